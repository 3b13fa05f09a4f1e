import {
  checkInteger,
  checkKnownKeys,
  checkOneOf,
  checkPlainObject,
} from '../options/option-checks';

/** What `Docket.create` does with an older database (see {@link SchemaOptions.onOlder}). */
export type OnOlderSchema = 'migrate' | 'throw';

/** Every {@link OnOlderSchema}, for checks and messages. */
export const ON_OLDER_SCHEMA = ['migrate', 'throw'] as const satisfies readonly OnOlderSchema[];

/**
 * How `Docket.create` treats the database's schema version. A database newer than the code
 * (a major version it does not know) is always refused with `SchemaVersionError`.
 */
export interface SchemaOptions {
  /**
   * A database at an older version: `'migrate'` runs the migrations up to this code's
   * version (one process at a time, under a lock), then starts; `'throw'` refuses it with
   * `SchemaVersionError` listing the migrations that would run, and writes nothing.
   * @defaultValue `'migrate'`
   */
  readonly onOlder?: OnOlderSchema;
  /**
   * How long the migration lock holds without being renewed (ms, integer 1000..3600000): a
   * process that died migrating stops blocking others after this long, and the next one
   * resumes its migration. Renewed before each step.
   * @defaultValue `60000`
   */
  readonly lockMs?: number;
}

/** {@link SchemaOptions} with every default applied. */
export type ResolvedSchemaOptions = Required<SchemaOptions>;

/** The defaults of {@link SchemaOptions}. */
export const SCHEMA_DEFAULTS = {
  onOlder: 'migrate',
  lockMs: 60_000,
} as const satisfies ResolvedSchemaOptions;

/**
 * Checks and resolves `Docket.create`'s `schema` option.
 * @throws InvalidOptionsError naming the option, e.g. "schema.onOlder must be one of
 *   "migrate", "throw", got "drop"".
 */
export function resolveSchemaOptions(options: SchemaOptions | undefined): ResolvedSchemaOptions {
  if (options === undefined) return SCHEMA_DEFAULTS;
  checkPlainObject('schema', options);
  checkKnownKeys('schema', options, ['onOlder', 'lockMs']);
  return Object.freeze({
    onOlder:
      options.onOlder === undefined
        ? SCHEMA_DEFAULTS.onOlder
        : checkOneOf('schema.onOlder', options.onOlder, ON_OLDER_SCHEMA),
    lockMs:
      options.lockMs === undefined
        ? SCHEMA_DEFAULTS.lockMs
        : checkInteger('schema.lockMs', options.lockMs, { min: 1_000, max: 3_600_000 }),
  });
}
