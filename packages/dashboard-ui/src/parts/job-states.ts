import type { ApiJobState } from '../../../../src/dashboard/api-types';

/** The states a job ends in: nothing runs it again unless it is retried. */
export const FINISHED_STATES: ReadonlySet<string> = new Set<ApiJobState>([
  'succeeded',
  'failed',
  'deleted',
]);
