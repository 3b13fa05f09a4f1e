import { InvalidOptionsError } from '../../../src/errors';
import { checkDocketOptions } from '../../../src/docket-options';
import {
  compareSchemaVersions,
  formatSchemaVersion,
  resolveSchemaOptions,
  SCHEMA_DEFAULTS,
  SCHEMA_STEPS,
  SCHEMA_VERSION,
  stepsBetween,
  UNRECORDED_SCHEMA_VERSION,
  type SchemaStep,
} from '../../../src/schema';

const step = (major: number, minor: number): SchemaStep => ({
  to: { major, minor },
  description: `to ${major}.${minor}`,
  run: () => Promise.resolve(),
});

describe('schema versions', () => {
  it('orders versions by major, then minor', () => {
    expect(compareSchemaVersions({ major: 1, minor: 9 }, { major: 2, minor: 0 })).toBeLessThan(0);
    expect(compareSchemaVersions({ major: 2, minor: 1 }, { major: 2, minor: 0 })).toBeGreaterThan(
      0,
    );
    expect(compareSchemaVersions({ major: 1, minor: 1 }, { major: 1, minor: 1 })).toBe(0);
    expect(formatSchemaVersion({ major: 1, minor: 10 })).toBe('1.10');
  });

  it('the steps climb one by one from the unrecorded version to the code version', () => {
    let at = UNRECORDED_SCHEMA_VERSION;
    for (const { to } of SCHEMA_STEPS) {
      expect(compareSchemaVersions(to, at)).toBeGreaterThan(0);
      at = to;
    }
    expect(at).toEqual(SCHEMA_VERSION);
  });

  it('stepsBetween takes the steps after the database version, up to the code version', () => {
    const steps = [step(1, 1), step(1, 2), step(2, 0), step(2, 1)];
    expect(stepsBetween(steps, { major: 1, minor: 1 }, { major: 2, minor: 0 })).toEqual([
      steps[1],
      steps[2],
    ]);
    expect(stepsBetween(steps, { major: 2, minor: 1 }, { major: 2, minor: 1 })).toEqual([]);
  });
});

describe('schema options', () => {
  it('default to migrating under a 60 s lock', () => {
    expect(resolveSchemaOptions(undefined)).toEqual({ onOlder: 'migrate', lockMs: 60_000 });
    expect(resolveSchemaOptions({})).toEqual(SCHEMA_DEFAULTS);
    expect(resolveSchemaOptions({ onOlder: 'throw', lockMs: 1_000 })).toEqual({
      onOlder: 'throw',
      lockMs: 1_000,
    });
  });

  it.each([
    [
      { onOlder: 'drop' },
      'schema.onOlder',
      'schema.onOlder must be one of "migrate", "throw", got "drop"',
    ],
    [
      { lockMs: 999 },
      'schema.lockMs',
      'schema.lockMs must be an integer between 1000 and 3600000, got 999',
    ],
    [{ lockMs: 1.5e3 + 0.5 }, 'schema.lockMs', /integer/],
    [
      { OnOlder: 'throw' },
      'schema.OnOlder',
      /unknown option 'OnOlder' \(did you mean 'onOlder'\?\)/,
    ],
    ['migrate', 'schema', /schema must be a plain object/],
  ])('refuses %j with InvalidOptionsError', (schema, option, message) => {
    const attempt = () => resolveSchemaOptions(schema as never);
    expect(attempt).toThrow(InvalidOptionsError);
    expect(attempt).toThrow(message);
    try {
      attempt();
    } catch (error) {
      expect((error as InvalidOptionsError).option).toBe(option);
    }
  });

  it('Docket.create checks them with the other options, before connecting', () => {
    expect(() =>
      checkDocketOptions({
        mongo: { uri: 'mongodb://localhost:1' },
        container: { createChildContainer: () => undefined } as never,
        schema: { onOlder: 'ignore' as never },
      }),
    ).toThrow(InvalidOptionsError);
  });
});
