import { BSON } from 'mongodb';
import {
  NonSerializableResultError,
  ResultTooLargeError,
  type DocketErrorDetails,
} from '../errors';
import { toStoredRecord } from '../jobs/job-payload';

/**
 * What of a handler's result is stored (see `IJobHandler`): `undefined` stays absent; any
 * other value is converted by the payload rules and must fit in `maxBytes` as BSON.
 * @throws NonSerializableResultError naming the path of a value that cannot be stored.
 * @throws ResultTooLargeError past `maxBytes`.
 */
export function storableResult(
  value: unknown,
  maxBytes: number,
  details: DocketErrorDetails,
): unknown {
  if (value === undefined) return undefined;
  const stored = toStoredRecord({ result: value }, '', (path, reason, cause) => {
    throw new NonSerializableResultError(path.replace(/^\./, ''), reason, { ...details, cause });
  });
  const size = BSON.calculateObjectSize(stored);
  if (size > maxBytes) throw new ResultTooLargeError(size, maxBytes, details);
  return stored.result;
}
