import { openApiDocument } from '../../../src/dashboard';

type Schema = Record<string, unknown>;
type Operation = {
  operationId: string;
  responses: Record<string, { content?: Record<string, { schema: Schema }> }>;
};

const document = openApiDocument() as {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
};

/**
 * Checks `value` against the subset of JSON Schema the document uses; returns the problems
 * (empty when it conforms).
 */
export function checkSchema(schema: Schema, value: unknown, at = '$'): string[] {
  if (typeof schema.$ref === 'string') {
    return checkSchema(document.components.schemas[schema.$ref.split('/').pop()!], value, at);
  }
  if (Array.isArray(schema.oneOf)) {
    const passing = (schema.oneOf as Schema[]).filter(
      (s) => checkSchema(s, value, at).length === 0,
    );
    return passing.length === 1 ? [] : [`${at}: matches ${passing.length} of oneOf`];
  }
  if ('const' in schema && value !== schema.const) return [`${at}: is not ${String(schema.const)}`];
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) return [`${at}: not in enum`];
  switch (schema.type) {
    case undefined:
      return [];
    case 'null':
      return value === null ? [] : [`${at}: not null`];
    case 'string':
      if (typeof value !== 'string') return [`${at}: not a string`];
      if (schema.format === 'date-time' && Number.isNaN(Date.parse(value)))
        return [`${at}: not a date-time`];
      return [];
    case 'integer':
      return Number.isInteger(value) ? [] : [`${at}: not an integer`];
    case 'number':
      return typeof value === 'number' ? [] : [`${at}: not a number`];
    case 'boolean':
      return typeof value === 'boolean' ? [] : [`${at}: not a boolean`];
    case 'array': {
      if (!Array.isArray(value)) return [`${at}: not an array`];
      const problems: string[] = [];
      if (typeof schema.minItems === 'number' && value.length < schema.minItems)
        problems.push(`${at}: too short`);
      if (typeof schema.maxItems === 'number' && value.length > schema.maxItems)
        problems.push(`${at}: too long`);
      value.forEach((item, i) =>
        problems.push(...checkSchema(schema.items as Schema, item, `${at}[${i}]`)),
      );
      return problems;
    }
    case 'object': {
      if (typeof value !== 'object' || value === null || Array.isArray(value))
        return [`${at}: not an object`];
      const record = value as Record<string, unknown>;
      const properties = (schema.properties ?? {}) as Record<string, Schema>;
      const problems: string[] = [];
      for (const name of (schema.required ?? []) as string[]) {
        if (!(name in record)) problems.push(`${at}.${name}: missing`);
      }
      for (const [name, child] of Object.entries(record)) {
        if (name in properties)
          problems.push(...checkSchema(properties[name], child, `${at}.${name}`));
        else if (schema.additionalProperties === false)
          problems.push(`${at}.${name}: not in the schema`);
        else if (typeof schema.additionalProperties === 'object') {
          problems.push(
            ...checkSchema(schema.additionalProperties as Schema, child, `${at}.${name}`),
          );
        }
      }
      return problems;
    }
    default:
      return [`${at}: unknown schema type ${String(schema.type)}`];
  }
}

/** The operation of the document a call reached, from its method and path under the base. */
function operationFor(method: string, path: string): Operation | undefined {
  for (const [template, item] of Object.entries(document.paths)) {
    const pattern = new RegExp(`^${template.replace(/\{\w+\}/g, '[^/]+')}$`);
    if (pattern.test(path)) return item[method.toLowerCase()];
  }
  return undefined;
}

/** What a conformance-checking fetch saw. */
export interface CheckedCall {
  readonly operationId: string;
  readonly status: number;
}

/**
 * A `fetch` for DocketClient that checks every answer against the document: its status must
 * be one the operation declares, its body must match the declared schema. Problems collect
 * in `problems`; the operations reached collect in `calls`.
 */
export function conformanceFetch(basePath: string): {
  fetch: typeof fetch;
  calls: CheckedCall[];
  problems: string[];
} {
  const calls: CheckedCall[] = [];
  const problems: string[] = [];
  const checked: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    const url = new URL(String(input));
    const method = init?.method ?? 'GET';
    const operation = operationFor(method, `/${url.pathname.slice(basePath.length)}`);
    const text = await response.clone().text();
    if (operation === undefined) {
      problems.push(`${method} ${url.pathname}: no operation in the document`);
      return response;
    }
    calls.push({ operationId: operation.operationId, status: response.status });
    const declared = operation.responses[String(response.status)];
    if (declared === undefined) {
      problems.push(`${operation.operationId}: status ${response.status} is not declared`);
      return response;
    }
    const schema = declared.content?.['application/json']?.schema;
    if (schema !== undefined) {
      for (const problem of checkSchema(schema, JSON.parse(text))) {
        problems.push(`${operation.operationId} ${response.status}: ${problem}`);
      }
    }
    return response;
  };
  return { fetch: checked, calls, problems };
}
