import { setTimeout as delay } from 'node:timers/promises';
import type { Db } from 'mongodb';
import type { Logger } from 'winston';
import { SchemaVersionError, StorageError } from '../errors';
import { MongoSchemaRecord, type SchemaRecord } from './mongo-schema-record';
import type { ResolvedSchemaOptions } from './schema-options';
import type { SchemaStep } from './schema-step';
import { SCHEMA_STEPS, stepsBetween } from './schema-steps';
import {
  compareSchemaVersions,
  formatSchemaVersion,
  SCHEMA_VERSION,
  UNRECORDED_SCHEMA_VERSION,
  type SchemaVersion,
} from './schema-version';

/** What {@link openSchema} needs. */
export interface SchemaOpening {
  readonly db: Db;
  readonly collectionPrefix: string;
  readonly options: ResolvedSchemaOptions;
  readonly logger: Logger;
  /** Names this process in the lock and the record of the steps it ran. */
  readonly owner: string;
  /** The version this code writes (tests pass others). */
  readonly code?: SchemaVersion;
  /** The migration steps (tests pass others). */
  readonly steps?: readonly SchemaStep[];
}

/** What the schema check found and did. */
export interface SchemaOpened {
  /** The database's version once open (older than the code while another process migrates). */
  readonly version: SchemaVersion;
  /** The steps this process ran. */
  readonly ran: readonly SchemaStep[];
}

/**
 * Checks the database's schema version before anything else is written, and migrates it when
 * it is older and allowed to. The rule, for a database at `db` and code at `code`:
 * - no record: a database holding Docket's collections is at 1.0 (written before versions
 *   were recorded); an empty one is stamped with `code`;
 * - `db` of a newer major, or a migration under way to one: `SchemaVersionError`;
 * - `db` equal, or a newer minor of the same major (readable by this code): open;
 * - `db` older: `'throw'` refuses with `SchemaVersionError`; `'migrate'` takes the lock and
 *   runs the steps up to `code`, each recorded as it completes. When another process holds
 *   the lock, a migration within the same major does not stop this process (the data stays
 *   readable by the older minor), while one across majors is waited for; a lock whose holder
 *   died expires and is taken over, and the steps resume where the record says.
 *
 * The newer and `'throw'` refusals read only: nothing is written.
 * @throws SchemaVersionError as above.
 * @throws StorageError when MongoDB fails, or a step failed (the lock is released, and the
 *   next start resumes the migration).
 */
export async function openSchema(opening: SchemaOpening): Promise<SchemaOpened> {
  const { db, collectionPrefix, options, logger, owner } = opening;
  const code = opening.code ?? SCHEMA_VERSION;
  const steps = opening.steps ?? SCHEMA_STEPS;
  const record = new MongoSchemaRecord(db, collectionPrefix);
  const ran: SchemaStep[] = [];
  for (;;) {
    const stored = await record.read();
    if (stored === null && !(await record.holdsDocketCollections())) {
      if (await record.create(code)) {
        logger.info(`new database: Docket schema version ${formatSchemaVersion(code)}`);
        return { version: code, ran };
      }
      continue; // Another process stamped it first: read what it wrote.
    }
    const version = stored === null ? UNRECORDED_SCHEMA_VERSION : versionOf(stored);
    checkNotNewer(version, stored, code);
    if (compareSchemaVersions(version, code) >= 0) {
      if (compareSchemaVersions(version, code) > 0) {
        logger.warn(
          `the database's Docket schema is version ${formatSchemaVersion(version)}, a newer ` +
            `minor than this code's ${formatSchemaVersion(code)}: running (it stays readable)`,
        );
      }
      return { version, ran };
    }
    const pending = stepsBetween(steps, version, code);
    if (options.onOlder === 'throw') {
      throw new SchemaVersionError(
        formatSchemaVersion(version),
        formatSchemaVersion(code),
        'older',
        pending.map(describeStep),
      );
    }
    if (compareSchemaVersions(pending.at(-1)?.to ?? version, code) !== 0) {
      // A build whose steps stop short of its own version would migrate in a loop.
      throw new Error(
        `no migration steps lead from schema ${formatSchemaVersion(version)} to ${formatSchemaVersion(code)}`,
      );
    }
    if (stored === null) await record.recordUnrecorded();
    if (await record.lock(version, code, owner, options.lockMs)) {
      ran.push(...(await migrate(record, version, code, pending, opening)));
      continue; // Read the version the steps reached (the lock may have been lost midway).
    }
    if (version.major === code.major) {
      logger.info(
        `another process migrates the Docket schema from ${formatSchemaVersion(version)}; ` +
          'starting meanwhile (a minor migration keeps the data readable)',
      );
      return { version, ran };
    }
    // A major migration changes what this code reads: wait for it, or for its lock to lapse.
    await delay(Math.min(1_000, options.lockMs / 10));
  }
}

/**
 * Refuses a database of a newer major version than `code`, or one a newer major is migrating
 * to, without migrating anything: for tools that write to a database a Docket opened
 * elsewhere (`ensureDashboardIndexes`). Reads only.
 * @throws SchemaVersionError for such a database.
 * @throws StorageError when MongoDB fails.
 */
export async function refuseNewerSchema(
  db: Db,
  collectionPrefix: string,
  code: SchemaVersion = SCHEMA_VERSION,
): Promise<void> {
  const stored = await new MongoSchemaRecord(db, collectionPrefix).read();
  if (stored !== null) checkNotNewer(versionOf(stored), stored, code);
}

/** The pending steps, as `SchemaVersionError.pendingSteps` and logs show them. */
export function describeStep(step: SchemaStep): string {
  return `${formatSchemaVersion(step.to)}: ${step.description}`;
}

function versionOf(record: SchemaRecord): SchemaVersion {
  return { major: record.major, minor: record.minor };
}

/** Refuses a database of a newer major, or one a newer major's migration is changing. */
function checkNotNewer(version: SchemaVersion, stored: SchemaRecord | null, code: SchemaVersion) {
  if (version.major > code.major) {
    throw new SchemaVersionError(formatSchemaVersion(version), formatSchemaVersion(code), 'newer');
  }
  const lock = stored?.lock;
  if (lock && lock.toMajor > code.major) {
    throw new SchemaVersionError(lock.to, formatSchemaVersion(code), 'newer');
  }
}

/**
 * Runs `pending` under the lock, recording each step as it completes, which renews the lock
 * (a step must end within `lockMs`, or another process takes over and runs it too: steps are
 * idempotent). Returns the steps run; stops early when the lock was lost (its new holder
 * resumes). A failing step releases the lock.
 */
async function migrate(
  record: MongoSchemaRecord,
  from: SchemaVersion,
  code: SchemaVersion,
  pending: readonly SchemaStep[],
  { db, collectionPrefix, options, logger, owner }: SchemaOpening,
): Promise<SchemaStep[]> {
  const ran: SchemaStep[] = [];
  let at = from;
  for (const step of pending) {
    try {
      await step.run({ db, collectionPrefix });
    } catch (error) {
      await record.unlock(owner).catch(() => undefined); // Else it lapses after lockMs.
      throw new StorageError(
        `Could not migrate the Docket schema from ${formatSchemaVersion(at)} to ` +
          `${formatSchemaVersion(code)}: step ${describeStep(step)} failed: ` +
          (error instanceof Error ? error.message : String(error)),
        { cause: error },
      );
    }
    if (!(await record.complete(owner, at, step, code, options.lockMs))) return ran;
    ran.push(step);
    logger.info(`Docket schema migrated to ${describeStep(step)}`);
    at = step.to;
  }
  await record.unlock(owner);
  return ran;
}
