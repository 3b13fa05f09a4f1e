import { BULK_ACTIONS, type BulkAction, type JobSelection } from '../../bulk-actions';
import { checkOneOf } from '../../options/option-checks';
import type { ApiBulkResult } from '../api-search-types';
import { toJobFilter } from './api-job-filter';
import { checkBodyFields } from './api-params';
import { ok, type ApiContext, type ApiRoute } from './api-route';

/**
 * `POST api/jobs/bulk`: retry, requeue, delete or redrive (dead-lettered) the jobs listed by `ids` or matched by
 * `filter`, through the scheduler's bulk verbs (batches on the server side, each write
 * conditioned on the state its job was read in).
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
  const { scheduler } = context.docket;
  const result =
    action === 'retry'
      ? await scheduler.retryJobs(selection)
      : action === 'requeue'
        ? await scheduler.requeueJobs(selection)
        : action === 'redrive'
          ? await scheduler.redriveJobs(selection)
          : await scheduler.deleteJobs(selection);
  return { action, ...result };
}

/** The action on many jobs. */
export const JOB_BULK_ROUTE: ApiRoute = {
  method: 'POST',
  path: 'api/jobs/bulk',
  operationId: 'bulkJobAction',
  handle: async (context) => ok(await bulkAction(context)),
};
