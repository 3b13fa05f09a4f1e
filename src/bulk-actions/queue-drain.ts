import type { JobFilter } from '../job-search/job-filter';
import {
  checkBoolean,
  checkKnownKeys,
  checkPlainObject,
  checkQueueName,
  readingOptions,
} from '../options/option-checks';
import type { JobState } from '../storage/job-record';

/** Options of `IJobScheduler.drainQueue`. */
export interface DrainQueueOptions {
  /**
   * Whether scheduled jobs (due later, or waiting to retry) are deleted too.
   * @defaultValue `false`: only jobs waiting to run now are deleted
   */
  readonly includeScheduled?: boolean;
}

/**
 * The filter a drain of `queue` deletes by: its enqueued jobs, and its scheduled ones with
 * `includeScheduled`. Running jobs finish; continuations waiting for a parent stay.
 * @throws InvalidOptionsError - for an invalid queue name or options, naming the field.
 */
export function drainFilter(queue: string, options: DrainQueueOptions = {}): JobFilter {
  return readingOptions('drainQueue', () => {
    checkQueueName('queue', queue);
    const given = checkPlainObject('options', options);
    checkKnownKeys('options', given, ['includeScheduled']);
    const scheduled =
      given.includeScheduled !== undefined &&
      checkBoolean('options.includeScheduled', given.includeScheduled);
    const state: JobState[] = scheduled ? ['enqueued', 'scheduled'] : ['enqueued'];
    return { queue, state };
  });
}
