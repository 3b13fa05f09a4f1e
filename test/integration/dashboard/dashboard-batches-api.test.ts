import {
  ApiNotFoundError,
  ApiValidationError,
  DocketClient,
  type ApiBatchRequest,
} from '../../../src/client';
import { startDashboard, type RunningDashboard } from '../../../src/dashboard';
import type { Docket, DocketEvents, JobServer } from '../../../src';
import { FAST_SERVER } from '../../helpers/docket';
import type { TestDatabase } from '../../helpers/mongo';
import { nextEvent, waitFor } from '../../helpers/wait-for';
import { openDashboardDocket } from './dashboard-fixture';
import { conformanceFetch } from './openapi-conformance';

const REPORT = 'dashboard-it.report';
const job = (month: number, note = 'batch') => ({ type: REPORT, payload: { month, note } });

/**
 * Batches over REST, through DocketClient: creation from a JSON body (every part checked
 * before anything is written, errors naming the part), lists and details with their counts,
 * the jobs of a batch, continuations, cancellation. Jobs of the queue `held` wait: no server
 * serves it.
 */
describe('dashboard REST API: batches', () => {
  let db: TestDatabase;
  let docket: Docket;
  let dashboard: RunningDashboard;
  let client: DocketClient;
  let server: JobServer;
  const conformance = conformanceFetch('/ops/');

  const raw = (path: string, body: unknown) =>
    fetch(new URL(path, dashboard.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const count = (name: 'jobs' | 'batches') =>
    docket.database.collection(`${docket.collectionPrefix}${name}`).countDocuments();
  const ended = (batchId: string) =>
    nextEvent<DocketEvents['batch.ended']>(
      (listener) => docket.on('batch.ended', listener),
      (event) => event.batchId === batchId,
      20_000,
    );
  /** The 4xx a call is refused with. */
  const refusal = (call: Promise<unknown>) =>
    call.then(
      () => {
        throw new Error('the call was not refused');
      },
      (error: unknown) => error as ApiValidationError,
    );

  beforeAll(async () => {
    ({ db, docket } = await openDashboardDocket('dashboard_batches'));
    dashboard = await startDashboard(docket, { basePath: '/ops', maxPageSize: 50 });
    client = new DocketClient({ baseUrl: dashboard.url, fetch: conformance.fetch });
    server = await docket.startServer({ ...FAST_SERVER, queues: ['default', 'reports'] });
  });

  afterAll(async () => {
    await server?.stop();
    await dashboard?.close();
    await docket?.close();
    await db?.cleanup();
  });

  it('creates a batch from a body: nested batch, options, continuations; runs it to its end', async () => {
    const request: ApiBatchRequest = {
      description: 'quarter end',
      jobs: [job(1), { ...job(2), options: { priority: 5 } }],
      batches: [{ description: 'regional', jobs: [job(3), job(4)] }],
      continuations: [
        { ...job(10, 'on success'), options: { queue: 'reports' } },
        { ...job(11, 'on any end'), on: 'finished' },
      ],
      options: { queue: 'reports' },
    };
    const batchEnded = new Promise<string>((resolve) => {
      const off = docket.on('batch.ended', (event) => {
        if (event.parentBatchId === null) {
          off();
          resolve(event.state);
        }
      });
    });
    const id = await client.createBatch(request);
    await expect(batchEnded).resolves.toBe('succeeded');

    const batch = await client.getBatch(id);
    expect(batch).toMatchObject({
      id,
      state: 'succeeded',
      description: 'quarter end',
      parentBatchId: null,
      total: 3,
      succeeded: 3,
      failed: 0,
      deleted: 0,
      pending: 0,
      continuations: 2,
    });
    expect(batch.finishedAt).not.toBeNull();

    // Its own jobs, listed by the `batch` parameter; the nested batch's are its own.
    const own = await client.listJobs({ batch: id, limit: 50 });
    expect(own.items).toHaveLength(2);
    expect(own.items.every((item) => item.queue === 'reports')).toBe(true);
    const detail = await client.getJob(own.items[0].id);
    expect(detail.batchId).toBe(id);
    expect(detail).not.toHaveProperty('awaitsBatch');
    expect(
      (await client.listJobs({ batch: id, limit: 50 })).items.map((j) => j.priority).sort(),
    ).toEqual([0, 5]);

    const { items: nested } = await client.listBatches({ parent: id });
    expect(nested).toEqual([
      expect.objectContaining({ description: 'regional', parentBatchId: id, succeeded: 2 }),
    ]);
    expect((await client.listJobs({ batch: nested[0].id })).items).toHaveLength(2);

    // Both continuations run: the batch succeeded.
    const continuation = async (note: string) => {
      const [item] = (await client.listJobs({ type: REPORT, payload: { note } })).items;
      return item === undefined ? undefined : client.getJob(item.id);
    };
    for (const [note, month, condition] of [
      ['on success', 10, 'succeeded'],
      ['on any end', 11, 'finished'],
    ] as const) {
      const ran = await waitFor(
        async () => {
          const found = await continuation(note);
          return found?.state === 'succeeded' ? found : undefined;
        },
        { what: `the continuation "${note}" to succeed` },
      );
      expect(ran).toMatchObject({ awaitsBatch: id, batchCondition: condition, payload: { month } });
      expect(ran).not.toHaveProperty('batchId');
    }
  });

  it('refuses an invalid body whole, naming the part, and writes nothing', async () => {
    const before = { jobs: await count('jobs'), batches: await count('batches') };
    /** A body, and the status, code, field and part of the message it is refused with. */
    const cases: [Record<string, unknown>, number, string, string, string][] = [
      [
        { jobs: [job(1), { type: 'no.such.type', payload: {} }] },
        422,
        'UNKNOWN_JOB_TYPE',
        'jobs[1].type',
        "jobs[1].type: Unknown job type 'no.such.type'",
      ],
      [
        { jobs: [job(1)], batches: [{ jobs: [job(2), job(13)] }] },
        422,
        'JOB_VALIDATION',
        'batches[0].jobs[1].payload',
        'batches[0].jobs[1].payload: Invalid payload',
      ],
      [
        { jobs: [{ ...job(1), options: { queue: 'no spaces!' } }] },
        400,
        'INVALID_INPUT',
        'jobs[0].options.queue',
        'jobs[0].options: queue',
      ],
      [
        { jobs: [job(1)], options: { priority: 5000 } },
        400,
        'INVALID_INPUT',
        'options.priority',
        'options: priority',
      ],
      [
        { jobs: [{ ...job(1), colour: 'red' }] },
        400,
        'UNKNOWN_FIELD',
        'jobs[0].colour',
        "'jobs[0].colour'",
      ],
      [{ jobs: [job(1)], colour: 'red' }, 400, 'UNKNOWN_FIELD', 'colour', "'colour'"],
      [{ jobs: ['a job'] }, 400, 'INVALID_INPUT', 'jobs[0]', 'jobs[0] must be an object'],
      [{ jobs: { 0: job(1) } }, 400, 'INVALID_INPUT', 'jobs', 'jobs must be an array'],
      [{ jobs: [{ payload: {} }] }, 400, 'INVALID_INPUT', 'jobs[0].type', 'jobs[0].type must'],
      [
        { description: 'empty' },
        400,
        'INVALID_INPUT',
        'jobs',
        'the batch holds no job and no batch',
      ],
      [
        { batches: [{}] },
        400,
        'INVALID_INPUT',
        'batches[0].jobs',
        'batches[0] holds no job and no batch',
      ],
      [
        { jobs: [job(1)], description: 'x'.repeat(501) },
        400,
        'INVALID_INPUT',
        'description',
        'description must',
      ],
      [
        { jobs: [job(1)], continuations: [{ ...job(2), options: { delayMs: 10 } }] },
        400,
        'INVALID_INPUT',
        'continuations[0].options.delayMs',
        'continuations[0].options.delayMs: a continuation runs when its batch ends',
      ],
      [
        { jobs: [job(1)], continuations: [{ ...job(2), on: 'sometimes' }] },
        400,
        'INVALID_INPUT',
        'continuations[0].on',
        'continuations[0].on must',
      ],
    ];
    for (const [body, status, code, field, message] of cases) {
      const error = await refusal(client.createBatch(body as ApiBatchRequest));
      expect(error).toBeInstanceOf(ApiValidationError);
      expect({ status: error.status, code: error.apiCode, field: error.details?.field }).toEqual({
        status,
        code,
        field,
      });
      // The message names the part too, in the body's own terms.
      expect(error.message).toContain(message);
      expect(error.message).not.toMatch(/\bspec\b/);
    }
    const invalid = await refusal(
      client.createBatch({ jobs: [job(1), { type: REPORT, payload: { month: 0, note: 7 } }] }),
    );
    expect(invalid.issues.map((issue) => issue.path).sort()).toEqual(['month', 'note']);
    expect(invalid.details).toMatchObject({ jobType: REPORT, field: 'jobs[1].payload' });
    // Nested deeper than batches may: refused at the level that is too deep.
    let deep: Record<string, unknown> = { jobs: [job(1)] };
    for (let level = 0; level < 25; level++) deep = { batches: [deep] };
    const tooDeep = await refusal(client.createBatch(deep as ApiBatchRequest));
    expect(tooDeep.details?.field).toBe(Array(20).fill('batches[0]').join('.'));
    expect(tooDeep.message).toMatch(/: batches nest 20 levels deep at most$/);
    expect((await raw('api/batches', [job(1)])).status).toBe(400);
    expect({ jobs: await count('jobs'), batches: await count('batches') }).toEqual(before);
  });

  it('lists batches by state and parent, newest first, a page at a time', async () => {
    const outer = await client.createBatch({
      description: 'held outer',
      jobs: [{ ...job(1), options: { queue: 'held' } }],
      batches: [{ description: 'held inner', jobs: [job(2)], options: { queue: 'held' } }],
    });
    const second = await client.createBatch({ jobs: [job(3)], options: { queue: 'held' } });
    const started = await client.listBatches({ state: 'started', parent: 'none' });
    expect(started.items.map((batch) => batch.id)).toEqual([second, outer]);
    expect(started.items[1]).toMatchObject({ total: 2, pending: 2, state: 'started' });
    expect(started.nextCursor).toBeNull();
    const inner = (await client.listBatches({ parent: outer })).items;
    expect(inner.map((batch) => batch.description)).toEqual(['held inner']);

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.listBatches({ limit: 2, ...(cursor ? { cursor } : {}) });
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((batch) => batch.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
    expect(seen).toEqual([...seen].sort().reverse());
    expect(seen).toEqual(expect.arrayContaining([outer, second, inner[0].id]));

    for (const [query, field] of [
      [{ state: 'lost' }, 'state'],
      [{ limit: 51 }, 'limit'],
      [{ parent: 'a\u0001b' }, 'parent'],
      [{ cursor: '' }, 'cursor'],
    ] as const) {
      await expect(client.listBatches(query as never)).rejects.toMatchObject({
        status: 400,
        details: { field },
      });
    }
    const typo = await fetch(new URL('api/batches?status=started', dashboard.url));
    expect(typo.status).toBe(400);
    await expect(client.getBatch('no-such-batch')).rejects.toMatchObject({
      status: 404,
      apiCode: 'BATCH_NOT_FOUND',
    });
  });

  it('adds continuations: to an unknown batch a 404 that writes nothing; bad ones refused', async () => {
    const id = await client.createBatch({ jobs: [job(4)], options: { queue: 'held' } });
    const jobsBefore = await count('jobs');
    const unknown = await refusal(client.continueBatch('no-such-batch', job(5)));
    expect(unknown).toBeInstanceOf(ApiNotFoundError);
    expect(unknown.apiCode).toBe('BATCH_NOT_FOUND');
    expect(await count('jobs')).toBe(jobsBefore);
    for (const [body, field] of [
      [{ ...job(5), options: { delayMs: 10 } }, 'options.delayMs'],
      [{ ...job(5), options: { priority: 5000 } }, 'options.priority'],
      [{ ...job(5), on: 'sometimes' }, 'on'],
      [{ ...job(5), options: 'fast' }, 'options'],
      [{ type: REPORT, payload: { month: 13, note: 'x' } }, undefined],
    ] as const) {
      const error = await refusal(client.continueBatch(id, body as never));
      expect(error).toBeInstanceOf(ApiValidationError);
      expect(error.details?.field).toBe(field);
    }
    expect(await count('jobs')).toBe(jobsBefore);

    const continuation = await client.continueBatch(id, { ...job(6), on: 'finished' });
    expect(await client.getJob(continuation)).toMatchObject({
      state: 'awaiting',
      awaitsBatch: id,
      batchCondition: 'finished',
    });
    expect((await client.getBatch(id)).continuations).toBe(1);
  });

  it('cancels a batch: its unfinished jobs and continuations deleted; once only', async () => {
    const id = await client.createBatch({
      jobs: [job(7), job(8)],
      batches: [{ jobs: [job(9)] }],
      continuations: [job(12)],
      options: { queue: 'held' },
    });
    const cancelledEvent = ended(id);
    await expect(client.cancelBatch(id)).resolves.toBe(true);
    expect((await cancelledEvent).state).toBe('cancelled');
    // The counts stay as they were when it was cancelled: what had not ended, the
    // cancellation deleted.
    expect(await client.getBatch(id)).toMatchObject({
      state: 'cancelled',
      total: 3,
      succeeded: 0,
      pending: 3,
    });
    const states = (await client.listJobs({ batch: id })).items.map((item) => item.state);
    expect(states).toEqual(['deleted', 'deleted']);
    await waitFor(
      async () =>
        (await client.listBatches({ parent: id })).items.every((b) => b.state === 'cancelled'),
      { what: 'the nested batch to be cancelled' },
    );
    const [continuation] = (await client.listJobs({ type: REPORT, payload: { month: 12 } })).items;
    expect(continuation.state).toBe('deleted');
    expect((await client.getJob(continuation.id)).awaitsBatch).toBe(id);
    await expect(client.cancelBatch(id)).resolves.toBe(false);
    await expect(client.cancelBatch('no-such-batch')).rejects.toMatchObject({
      status: 404,
      apiCode: 'BATCH_NOT_FOUND',
    });
    const withBody = await raw(`api/batches/${id}/cancel`, { force: true });
    expect(withBody.status).toBe(400);
  });

  it('filters jobs by batch for lists and for actions on many jobs', async () => {
    const id = await client.createBatch({ jobs: [job(1), job(2)], options: { queue: 'held' } });
    const other = await client.createBatch({ jobs: [job(3)], options: { queue: 'held' } });
    await expect(
      client.bulkJobAction({ action: 'delete', filter: { batchId: id } }),
    ).resolves.toMatchObject({ matched: 2, changed: 2 });
    expect((await client.listJobs({ batch: other })).items.map((item) => item.state)).toEqual([
      'enqueued',
    ]);
    await waitFor(async () => (await client.getBatch(id)).state === 'finished', {
      what: 'the batch whose jobs were deleted to end',
    });
    expect(await client.getBatch(id)).toMatchObject({ deleted: 2, pending: 0 });
    await expect(client.listJobs({ batch: 'a\u0001b' })).rejects.toMatchObject({
      status: 400,
      details: { field: 'batch' },
    });
    expect((await client.listJobs({ batch: 'no-such-batch' })).items).toEqual([]);
  });

  it('answered every call as the OpenAPI document says', () => {
    expect(conformance.calls.length).toBeGreaterThan(40);
    expect(conformance.problems).toEqual([]);
  });
});
