import { BSON } from 'mongodb';
import {
  CheckpointTooLargeError,
  NonSerializableCheckpointError,
  NonSerializableResultError,
  ResultTooLargeError,
  type DocketErrorDetails,
} from '../errors';
import { toStoredRecord } from '../jobs/job-payload';

/** The values a handler hands over to be stored with its job, and the errors of each. */
const STORED_VALUES = {
  result: { notSerializable: NonSerializableResultError, tooLarge: ResultTooLargeError },
  checkpoint: {
    notSerializable: NonSerializableCheckpointError,
    tooLarge: CheckpointTooLargeError,
  },
} as const;

/**
 * What of a handler's `kind` of value is stored (its result, see `IJobHandler`, or its
 * checkpoint): `undefined` stays absent; any other value is converted by the payload rules
 * and must fit in `maxBytes` as BSON.
 * @throws NonSerializableResultError or NonSerializableCheckpointError naming the path of a
 *   value that cannot be stored.
 * @throws ResultTooLargeError or CheckpointTooLargeError past `maxBytes`.
 */
export function storableValue(
  kind: keyof typeof STORED_VALUES,
  value: unknown,
  maxBytes: number,
  details: DocketErrorDetails,
): unknown {
  if (value === undefined) return undefined;
  const errors = STORED_VALUES[kind];
  const stored = toStoredRecord({ [kind]: value }, '', (path, reason, cause) => {
    throw new errors.notSerializable(path.replace(/^\./, ''), reason, { ...details, cause });
  });
  const size = BSON.calculateObjectSize(stored);
  if (size > maxBytes) throw new errors.tooLarge(size, maxBytes, details);
  return stored[kind];
}
