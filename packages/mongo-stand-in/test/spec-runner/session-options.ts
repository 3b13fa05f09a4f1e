import type { Document } from 'bson';
import type { ClientSessionOptions, TransactionOptions } from 'mongodb';
import { toDriverOption } from './driver-options';
import { SpecRunnerError } from './spec-runner.error';

/** Transaction options of the format (`startTransaction`, `withTransaction`, defaults). */
const TRANSACTION_OPTIONS = new Set([
  'readConcern',
  'writeConcern',
  'readPreference',
  'maxCommitTimeMS',
]);

/** Session options the driver's `startSession` takes as the format spells them. */
const SESSION_OPTIONS = new Set(['causalConsistency', 'snapshot', 'defaultTimeoutMS']);

/**
 * A session entity's `sessionOptions` as the driver's `startSession` options:
 * `causalConsistency`, `snapshot`, `defaultTimeoutMS`, and `defaultTransactionOptions`
 * (kept nested, as the format requires). Throws for an option it does not know, as the
 * format asks of unknown arguments.
 */
export function toSessionOptions(
  options: Document | undefined,
  sessionId: string,
): ClientSessionOptions {
  const converted: ClientSessionOptions = {};
  for (const [name, value] of Object.entries(options ?? {})) {
    if (name === 'defaultTransactionOptions') {
      converted.defaultTransactionOptions = toTransactionOptions(
        value as Document,
        `session "${sessionId}" defaultTransactionOptions`,
      );
    } else if (name === 'snapshotTime') {
      // An entity's value, not a driver option: the entity map sets it (setSnapshotTime).
      continue;
    } else if (SESSION_OPTIONS.has(name)) {
      Object.assign(converted, { [name]: value });
    } else {
      throw new SpecRunnerError(`session "${sessionId}": unsupported session option "${name}"`);
    }
  }
  return converted;
}

/**
 * Transaction options in the driver's shape: read and write concerns and the read
 * preference become driver values, `maxCommitTimeMS` is kept.
 */
export function toTransactionOptions(
  options: Document | undefined,
  where: string,
): TransactionOptions {
  const converted: Document = {};
  for (const [name, value] of Object.entries(options ?? {})) {
    if (!TRANSACTION_OPTIONS.has(name)) {
      throw new SpecRunnerError(`${where}: unsupported transaction option "${name}"`);
    }
    Object.assign(converted, toDriverOption(name, value));
  }
  return converted as TransactionOptions;
}
