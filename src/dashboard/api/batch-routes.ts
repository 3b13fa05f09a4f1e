import { BATCH_STATES } from '../../batches/batch-verbs';
import { checkOneOf } from '../../options/option-checks';
import type { ApiBatchCreated, ApiBatchPage } from '../api-batch-types';
import { notFound } from '../http/http-problem';
import { toApiBatch } from '../queries/to-api';
import { checkBodyFields, checkId, idParam, limitQuery, queryValue } from './api-params';
import { ok, type ApiContext, type ApiRoute } from './api-route';
import {
  batchSpecFromRequest,
  continuationFromRequest,
  continuationInBodyTerms,
  CONTINUATION_FIELDS,
  inBodyTerms,
} from './batch-request';

/** The value of `parent` that asks for outermost batches only. */
const OUTERMOST = 'none';

async function requireBatch(context: ApiContext, id: string) {
  const batch = await context.docket.scheduler.getBatch(id);
  if (batch === null) throw notFound('BATCH_NOT_FOUND', `Batch '${id}' was not found`);
  return batch;
}

/** `GET api/batches`: its parameters checked, each error naming its parameter. */
async function listBatches(context: ApiContext): Promise<ApiBatchPage> {
  const state = queryValue(context, 'state');
  const parent = queryValue(context, 'parent');
  const cursor = queryValue(context, 'cursor');
  const page = await context.docket.listBatches({
    ...(state === null ? {} : { state: checkOneOf('state', state, BATCH_STATES) }),
    ...(parent === null
      ? {}
      : { parentBatchId: parent === OUTERMOST ? null : checkId('parent', parent) }),
    ...(cursor === null ? {} : { cursor: checkId('cursor', cursor) }),
    limit: limitQuery(context),
  });
  return { items: page.batches.map(toApiBatch), nextCursor: page.nextCursor };
}

/**
 * Creates the batch a body describes through the scheduler's `createBatch`, which checks all
 * of it before it writes anything.
 */
async function createBatch(context: ApiContext): Promise<ApiBatchCreated> {
  const spec = await batchSpecFromRequest(context.body);
  try {
    return { id: await context.docket.scheduler.createBatch(spec) };
  } catch (error) {
    throw inBodyTerms(error);
  }
}

/** Adds a continuation; an unknown batch is a 404 (`BatchNotFoundError`), nothing written. */
async function continueBatch(context: ApiContext): Promise<ApiBatchCreated> {
  checkBodyFields(context, CONTINUATION_FIELDS);
  const id = idParam(context, 'id');
  const { job, options } = continuationFromRequest(context.body);
  try {
    return { id: await context.docket.scheduler.continueBatchWith(id, job, options) };
  } catch (error) {
    throw continuationInBodyTerms(error);
  }
}

/** Batches: list, detail, create, cancel, and continuations added to one. */
export const BATCH_ROUTES: readonly ApiRoute[] = [
  {
    method: 'GET',
    path: 'api/batches',
    operationId: 'listBatches',
    query: ['state', 'parent', 'cursor', 'limit'],
    handle: async (context) => ok(await listBatches(context)),
  },
  {
    method: 'POST',
    path: 'api/batches',
    operationId: 'createBatch',
    handle: async (context) => ({ status: 201, body: await createBatch(context) }),
  },
  {
    method: 'GET',
    path: 'api/batches/{id}',
    operationId: 'getBatch',
    async handle(context) {
      return ok(toApiBatch(await requireBatch(context, idParam(context, 'id'))));
    },
  },
  {
    method: 'POST',
    path: 'api/batches/{id}/cancel',
    operationId: 'cancelBatch',
    async handle(context) {
      checkBodyFields(context, []);
      const id = idParam(context, 'id');
      await requireBatch(context, id);
      // A batch that ended already (or meanwhile) stays as it ended.
      return ok({ cancelled: await context.docket.scheduler.cancelBatch(id) });
    },
  },
  {
    method: 'POST',
    path: 'api/batches/{id}/continuations',
    operationId: 'continueBatch',
    handle: async (context) => ({ status: 201, body: await continueBatch(context) }),
  },
];
