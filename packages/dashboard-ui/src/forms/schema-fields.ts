import type { ApiJsonSchema } from '../../../../src/dashboard/api-types';

/** How a payload field is entered. */
export type FieldKind = 'text' | 'integer' | 'number' | 'boolean' | 'choice' | 'json';

/** A payload field of a form, from a property of its type's JSON Schema. */
export interface FieldSpec {
  readonly name: string;
  readonly kind: FieldKind;
  readonly required: boolean;
  /** The property's schema (its constraints). */
  readonly schema: Readonly<Record<string, unknown>>;
  /** The values of a `choice`. */
  readonly choices: readonly (string | number)[];
  /** What the field takes, in words: "text, at most 100 characters". */
  readonly hint: string;
}

/** A field's value as entered (a text input's text), or the error that keeps it out. */
export type FieldReading = { readonly value: unknown } | { readonly error: string };

const asRecord = (value: unknown): Readonly<Record<string, unknown>> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};

const numberOf = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;

function kindOf(schema: Readonly<Record<string, unknown>>): FieldKind {
  if (
    Array.isArray(schema.enum) &&
    schema.enum.every((v) => ['string', 'number'].includes(typeof v))
  ) {
    return 'choice';
  }
  switch (schema.type) {
    case 'string':
      return 'text';
    case 'integer':
      return 'integer';
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    default:
      // Objects, arrays, nested classes ($ref) and anything else: typed as JSON.
      return 'json';
  }
}

function hintOf(kind: FieldKind, schema: Readonly<Record<string, unknown>>): string {
  const parts: string[] = [];
  const min = numberOf(schema.minimum);
  const max = numberOf(schema.maximum);
  const minLength = numberOf(schema.minLength);
  const maxLength = numberOf(schema.maxLength);
  if (kind === 'text') {
    parts.push(typeof schema.format === 'string' ? `text (${schema.format})` : 'text');
    if (minLength !== undefined && minLength > 0) parts.push(`at least ${minLength} characters`);
    if (maxLength !== undefined) parts.push(`at most ${maxLength} characters`);
  } else if (kind === 'integer' || kind === 'number') {
    parts.push(kind === 'integer' ? 'whole number' : 'number');
    if (min !== undefined) parts.push(`at least ${min}`);
    if (max !== undefined) parts.push(`at most ${max}`);
  } else if (kind === 'json') {
    parts.push(schema.type === 'array' ? 'JSON array' : 'JSON');
  } else if (kind === 'boolean') {
    parts.push('true or false');
  } else {
    parts.push('one of the choices');
  }
  return parts.join(', ');
}

/**
 * The fields of a payload form, in the schema's property order. A schema without
 * properties (a type with no rules) has none: its payload is entered as JSON.
 */
export function fieldsOf(schema: ApiJsonSchema | undefined): FieldSpec[] {
  const properties = asRecord(schema?.properties);
  const required = Array.isArray(schema?.required) ? (schema.required as unknown[]) : [];
  return Object.entries(properties).map(([name, value]) => {
    const property = asRecord(value);
    const kind = kindOf(property);
    return {
      name,
      kind,
      required: required.includes(name),
      schema: property,
      choices: kind === 'choice' ? (property.enum as (string | number)[]) : [],
      hint: hintOf(kind, property),
    };
  });
}

/**
 * Reads a field's text (`''` when left empty) against the constraints the schema states:
 * presence, type, bounds, lengths, pattern. What a schema cannot state (a custom
 * validator, formats) is left to the server, which validates the whole payload anyway.
 * An empty field is not given: refused when required, absent (`{ value: undefined }`) when
 * optional.
 */
export function readField(spec: FieldSpec, text: string): FieldReading {
  const { schema } = spec;
  // A form's empty field is "not given" (a required text that may be empty is rare).
  if (text === '') return spec.required ? { error: 'Required.' } : { value: undefined };
  switch (spec.kind) {
    case 'text':
      return readText(schema, text);
    case 'integer':
    case 'number':
      return readNumber(spec.kind, schema, text);
    case 'boolean':
      return text === 'true' || text === 'false'
        ? { value: text === 'true' }
        : { error: 'Choose true or false.' };
    case 'choice': {
      const choice = spec.choices.find((c) => String(c) === text);
      return choice === undefined ? { error: 'Choose one of the values.' } : { value: choice };
    }
    case 'json':
      return readJson(schema, text);
  }
}

function readText(schema: Readonly<Record<string, unknown>>, text: string): FieldReading {
  const length = [...text].length;
  const minLength = numberOf(schema.minLength);
  const maxLength = numberOf(schema.maxLength);
  if (minLength !== undefined && length < minLength) {
    return { error: `At least ${minLength} characters (${length} given).` };
  }
  if (maxLength !== undefined && length > maxLength) {
    return { error: `At most ${maxLength} characters (${length} given).` };
  }
  if (typeof schema.pattern === 'string') {
    let pattern: RegExp | null = null;
    try {
      pattern = new RegExp(schema.pattern, 'u');
    } catch {
      // A pattern this browser cannot read is left to the server.
    }
    if (pattern !== null && !pattern.test(text)) {
      return { error: `Must match the pattern ${schema.pattern}.` };
    }
  }
  return { value: text };
}

function readNumber(
  kind: 'integer' | 'number',
  schema: Readonly<Record<string, unknown>>,
  text: string,
): FieldReading {
  const value = Number(text.trim());
  if (text.trim() === '' || !Number.isFinite(value)) return { error: 'Not a number.' };
  if (kind === 'integer' && !Number.isSafeInteger(value))
    return { error: 'Must be a whole number.' };
  // Older drafts (which class-validator-jsonschema may write) mark a bound exclusive with
  // `exclusiveMinimum: true` beside `minimum`; newer ones give the bound itself.
  const lowIsExclusive = schema.exclusiveMinimum === true;
  const highIsExclusive = schema.exclusiveMaximum === true;
  const min = lowIsExclusive ? undefined : numberOf(schema.minimum);
  const max = highIsExclusive ? undefined : numberOf(schema.maximum);
  const above = lowIsExclusive ? numberOf(schema.minimum) : numberOf(schema.exclusiveMinimum);
  const below = highIsExclusive ? numberOf(schema.maximum) : numberOf(schema.exclusiveMaximum);
  if (min !== undefined && value < min) return { error: `Must be at least ${min}.` };
  if (max !== undefined && value > max) return { error: `Must be at most ${max}.` };
  if (above !== undefined && value <= above) return { error: `Must be more than ${above}.` };
  if (below !== undefined && value >= below) return { error: `Must be less than ${below}.` };
  return { value };
}

function readJson(schema: Readonly<Record<string, unknown>>, text: string): FieldReading {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { error: 'Not valid JSON.' };
  }
  if (schema.type === 'array' && !Array.isArray(value)) return { error: 'Must be a JSON array.' };
  if (
    schema.type === 'object' &&
    (typeof value !== 'object' || value === null || Array.isArray(value))
  ) {
    return { error: 'Must be a JSON object.' };
  }
  return { value };
}

/** How a stored value is shown in its field (the inverse of {@link readField}). */
export function fieldText(spec: FieldSpec, value: unknown): string {
  if (value === undefined || value === null) return '';
  if (spec.kind === 'json') return JSON.stringify(value, null, 2);
  return String(value);
}

/**
 * The payload field an issue of the server's validation names: the first segment of its
 * path (`items[0].sku` → `items`).
 */
export function fieldOfIssuePath(path: string): string {
  return path.split(/[.[]/, 1)[0] ?? path;
}
