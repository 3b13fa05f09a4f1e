import {
  fieldOfIssuePath,
  fieldsOf,
  fieldText,
  readField,
} from '../../../packages/dashboard-ui/src/forms/schema-fields';

const schema = {
  type: 'object',
  properties: {
    name: { type: 'string', minLength: 2, maxLength: 5, pattern: '^[a-z]+$' },
    count: { type: 'integer', minimum: 1, maximum: 10 },
    ratio: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
    vip: { type: 'boolean' },
    method: { enum: ['card', 'bank'], type: 'string' },
    lines: { type: 'array', items: { $ref: '#/$defs/Line' } },
    customer: { $ref: '#/$defs/Customer' },
  },
  required: ['name', 'count', 'method', 'customer'],
};

describe('payload fields from a JSON schema', () => {
  const fields = Object.fromEntries(fieldsOf(schema).map((field) => [field.name, field]));

  it('makes one field per property, in order, with its kind, presence and hint', () => {
    expect(fieldsOf(schema).map((f) => [f.name, f.kind, f.required])).toEqual([
      ['name', 'text', true],
      ['count', 'integer', true],
      ['ratio', 'number', false],
      ['vip', 'boolean', false],
      ['method', 'choice', true],
      ['lines', 'json', false],
      ['customer', 'json', true],
    ]);
    expect(fields.name.hint).toBe('text, at least 2 characters, at most 5 characters');
    expect(fields.count.hint).toBe('whole number, at least 1, at most 10');
    expect(fields.lines.hint).toBe('JSON array');
    expect(fieldsOf({ type: 'object' })).toEqual([]);
    expect(fieldsOf(undefined)).toEqual([]);
  });

  it('checks what the schema states and reads values as their types', () => {
    expect(readField(fields.name, '')).toEqual({ error: 'Required.' });
    expect(readField(fields.ratio, '')).toEqual({ value: undefined });
    expect(readField(fields.name, 'a')).toEqual({ error: 'At least 2 characters (1 given).' });
    expect(readField(fields.name, 'abcdef')).toEqual({
      error: 'At most 5 characters (6 given).',
    });
    expect(readField(fields.name, 'AB')).toEqual({ error: 'Must match the pattern ^[a-z]+$.' });
    expect(readField(fields.name, 'ab')).toEqual({ value: 'ab' });
    expect(readField(fields.count, '2.5')).toEqual({ error: 'Must be a whole number.' });
    expect(readField(fields.count, 'x')).toEqual({ error: 'Not a number.' });
    expect(readField(fields.count, '0')).toEqual({ error: 'Must be at least 1.' });
    expect(readField(fields.count, '11')).toEqual({ error: 'Must be at most 10.' });
    expect(readField(fields.count, ' 7 ')).toEqual({ value: 7 });
    expect(readField(fields.ratio, '1')).toEqual({ error: 'Must be less than 1.' });
    expect(readField(fields.ratio, '0')).toEqual({ error: 'Must be more than 0.' });
    expect(readField(fields.ratio, '0.5')).toEqual({ value: 0.5 });
    const older = fieldsOf({
      properties: { n: { type: 'number', minimum: 0, exclusiveMinimum: true } },
    })[0];
    expect(readField(older, '0')).toEqual({ error: 'Must be more than 0.' });
    expect(readField(older, '0.1')).toEqual({ value: 0.1 });
    expect(readField(fields.vip, 'false')).toEqual({ value: false });
    expect(readField(fields.method, 'cash')).toEqual({ error: 'Choose one of the values.' });
    expect(readField(fields.method, 'bank')).toEqual({ value: 'bank' });
    expect(readField(fields.lines, '{"a":1}')).toEqual({ error: 'Must be a JSON array.' });
    expect(readField(fields.lines, '[{"sku":"A"}]')).toEqual({ value: [{ sku: 'A' }] });
    expect(readField(fields.customer, '{')).toEqual({ error: 'Not valid JSON.' });
  });

  it('shows stored values in their fields, and finds the field of a server issue', () => {
    expect(fieldText(fields.customer, { id: 1 })).toBe('{\n  "id": 1\n}');
    expect(fieldText(fields.count, 3)).toBe('3');
    expect(fieldText(fields.vip, undefined)).toBe('');
    expect(fieldOfIssuePath('lines[0].sku')).toBe('lines');
    expect(fieldOfIssuePath('customer.id')).toBe('customer');
    expect(fieldOfIssuePath('name')).toBe('name');
  });
});
