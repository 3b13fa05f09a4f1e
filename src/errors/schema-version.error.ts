import { DocketError } from './docket-error';

/**
 * Why a database's schema version was refused:
 * - `'newer'`: the database is at a major version this code does not know (written, or being
 *   migrated, by a newer Docket); upgrade this process.
 * - `'older'`: the database is older than this code and `schema.onOlder` is `'throw'`; migrate
 *   it (start once with `'migrate'`), or run the Docket version it was written by.
 */
export type SchemaVersionRefusal = 'newer' | 'older';

/**
 * `Docket.create` refused the database's schema version: nothing was written. Its
 * `databaseVersion` and `codeVersion` say both versions (`'major.minor'`), `refusal` which
 * way they differ; `pendingSteps` lists the migrations that would bring an older database up
 * to date (empty for a newer one).
 */
export class SchemaVersionError extends DocketError {
  /** The schema version the database is at (`'major.minor'`). */
  readonly databaseVersion: string;
  /** The schema version this code writes (`'major.minor'`). */
  readonly codeVersion: string;
  /** Whether the database is newer or older than the code. */
  readonly refusal: SchemaVersionRefusal;
  /** The migrations an older database needs, each `'<version>: <what it does>'`, in order. */
  readonly pendingSteps: readonly string[];

  /**
   * @param databaseVersion - The database's version, `'major.minor'`.
   * @param codeVersion - This code's version, `'major.minor'`.
   * @param refusal - `'newer'` or `'older'`.
   * @param pendingSteps - For an older database, the migrations it needs.
   */
  constructor(
    databaseVersion: string,
    codeVersion: string,
    refusal: SchemaVersionRefusal,
    pendingSteps: readonly string[] = [],
  ) {
    super(
      refusal === 'newer'
        ? `The database's Docket schema is version ${databaseVersion}, newer than this code's ` +
            `${codeVersion}: upgrade this process to a Docket that writes schema ` +
            `${databaseVersion.split('.')[0]}.x. Nothing was written.`
        : `The database's Docket schema is version ${databaseVersion}, older than this code's ` +
            `${codeVersion}, and schema.onOlder is 'throw'. Start once with onOlder 'migrate' ` +
            `to run: ${pendingSteps.join('; ')}. Nothing was written.`,
    );
    this.databaseVersion = databaseVersion;
    this.codeVersion = codeVersion;
    this.refusal = refusal;
    this.pendingSteps = [...pendingSteps];
  }

  override get name(): string {
    return 'SchemaVersionError';
  }

  override get code(): string {
    return 'SCHEMA_VERSION';
  }
}
