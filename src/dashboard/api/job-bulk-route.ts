import {
  BULK_ACTIONS,
  type BulkAction,
  type BulkActionResult,
  type JobSelection,
} from '../../bulk-actions';
import { checkOneOf } from '../../options/option-checks';
import type { IJobScheduler } from '../../scheduler/job-scheduler.interface';
import type { ApiBulkResult } from '../api-search-types';
import { toJobFilter } from './api-job-filter';
import { checkBodyFields } from './api-params';
import { ok, type ApiContext, type ApiRoute } from './api-route';

/** The scheduler's bulk verb of each action. */
const VERBS: Readonly<
  Record<
    BulkAction,
    (scheduler: IJobScheduler, selection: JobSelection) => Promise<BulkActionResult>
  >
> = {
  retry: (scheduler, selection) => scheduler.retryJobs(selection),
  requeue: (scheduler, selection) => scheduler.requeueJobs(selection),
  delete: (scheduler, selection) => scheduler.deleteJobs(selection),
  redrive: (scheduler, selection) => scheduler.redriveJobs(selection),
  purge: (scheduler, selection) => scheduler.purgeJobs(selection),
};

/**
 * `POST api/jobs/bulk`: retry, requeue, delete, redrive (dead-lettered) or purge (finished)
 * the jobs listed by `ids` or matched by `filter`, through the scheduler's bulk verbs (batches on the server
 * side, each write conditioned on the state its job was read in).
 */
async function bulkAction(context: ApiContext): Promise<ApiBulkResult> {
  checkBodyFields(context, ['action', 'ids', 'filter']);
  const { ids, filter } = context.body;
  const action: BulkAction = checkOneOf('action', context.body.action, BULK_ACTIONS);
  // The scheduler checks the selection (exactly one of ids and filter), naming fields.
  const selection = {
    ...(ids === undefined ? {} : { ids }),
    ...(filter === undefined ? {} : { filter: toJobFilter(filter) }),
  } as JobSelection;
  const result = await VERBS[action](context.docket.scheduler, selection);
  return { action, ...result };
}

/** The action on many jobs. */
export const JOB_BULK_ROUTE: ApiRoute = {
  method: 'POST',
  path: 'api/jobs/bulk',
  operationId: 'bulkJobAction',
  handle: async (context) => ok(await bulkAction(context)),
};
