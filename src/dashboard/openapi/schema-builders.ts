/** Builders of the JSON Schema objects the OpenAPI document is written with. */

/** A JSON Schema object as OpenAPI 3.1 uses it. */
export type Schema = Record<string, unknown>;

export const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
export const str: Schema = { type: 'string' };
export const int: Schema = { type: 'integer' };
export const bool: Schema = { type: 'boolean' };
export const time: Schema = { type: 'string', format: 'date-time' };
export const nullable = (schema: Schema): Schema => ({ oneOf: [schema, { type: 'null' }] });
export const object = (
  properties: Record<string, Schema>,
  optional: readonly string[] = [],
): Schema => ({
  type: 'object',
  properties,
  required: Object.keys(properties).filter((key) => !optional.includes(key)),
  additionalProperties: false,
});
export const array = (items: Schema): Schema => ({ type: 'array', items });

/** An optional query parameter. */
export const queryParameter = (name: string, schema: Schema, description: string) => ({
  name,
  in: 'query',
  required: false,
  description,
  schema,
});
