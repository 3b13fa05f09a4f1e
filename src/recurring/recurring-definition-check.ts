import { BSON } from 'mongodb';
import { InvalidOptionsError, PayloadTooLargeError } from '../errors';
import { MAX_DOCUMENT_BYTES, toStorableJob, type IJob } from '../jobs';
import { newJobRecord } from '../storage/new-job-record';
import {
  checkRecurringId,
  resolveRecurringOptions,
  type RecurringOptions,
} from './recurring-options';
import type { RecurringSchedule } from './schedule-shape';
import type { RecurringDefinition } from './recurring-record';
import { checkRecurringSchedule } from './schedule-check';

/**
 * Checks everything `addOrUpdateRecurring` (or a `@Recurring` declaration) is given, as
 * `enqueue` would, and builds the definition to store; nothing is written.
 * @throws InvalidOptionsError - for a malformed id or option (an unknown time zone included).
 * @throws InvalidCronExpressionError - for an invalid cron expression.
 * @throws InvalidOptionsError - for a bad interval, or a `timeZone` given with an interval.
 * @throws UnknownJobTypeError / JobValidationError / NonSerializablePayloadError /
 *   PayloadTooLargeError - for a job `enqueue` would refuse.
 */
export async function checkRecurringDefinition(
  id: string,
  job: IJob,
  schedule: RecurringSchedule,
  options: RecurringOptions | undefined,
): Promise<RecurringDefinition> {
  checkRecurringId(id);
  const resolved = resolveRecurringOptions(options);
  const { cron, everyMs } = checkRecurringSchedule(schedule, resolved.timeZone);
  if (everyMs !== null && options?.timeZone !== undefined) {
    throw new InvalidOptionsError(
      'timeZone applies to cron schedules only; an interval schedule counts milliseconds',
      { option: 'timeZone' },
    );
  }
  const { jobType, payload } = await toStorableJob(job);
  const definition: RecurringDefinition = {
    type: jobType,
    payload,
    cron,
    everyMs,
    startAt: resolved.startAt,
    endAt: resolved.endAt,
    repeatLimit: resolved.repeatLimit,
    overlap: resolved.overlap,
    timeZone: resolved.timeZone,
    queue: resolved.queue,
    priority: resolved.priority,
    maxAttempts: resolved.maxAttempts,
    timeoutMs: resolved.timeoutMs,
    missedRunPolicy: resolved.missedRunPolicy,
  };
  // The definition and each job built from it must fit in one MongoDB document.
  const size = BSON.calculateObjectSize(
    newJobRecord({ ...definition, state: 'enqueued', dueAt: new Date(), now: new Date(), id }),
  );
  if (size > MAX_DOCUMENT_BYTES) throw new PayloadTooLargeError(jobType, size, MAX_DOCUMENT_BYTES);
  return definition;
}
