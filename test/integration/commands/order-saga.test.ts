import type { JobRecord } from '../../../src';
import { SAGA_RUNNER } from '../../../src';
import { OrderPlaced } from '../../../samples/order-saga/domain';
import { createOrderApp, type OrderApp } from '../../../samples/order-saga/order-app';
import { FAST_SERVER } from '../../helpers/docket';
import { quietLogger } from '../../helpers/logger';
import { openTestDatabase, type TestDatabase } from '../../helpers/mongo';
import { waitFor } from '../../helpers/wait-for';

/** The order-saga sample, end to end, on the same wiring `npm run sample:order-saga` uses. */
describe('the order saga sample', () => {
  let db: TestDatabase;
  const apps: OrderApp[] = [];

  beforeAll(async () => {
    db = await openTestDatabase('order_saga');
  });

  // One app at a time: apps on one database compete for its jobs, and each has its own
  // in-memory orders.
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });

  afterAll(async () => {
    await db.cleanup();
  });

  async function app(options: { paymentWindowMs: number; server?: false }): Promise<OrderApp> {
    const created = await createOrderApp({
      uri: db.uri,
      dbName: db.dbName,
      logger: quietLogger(),
      paymentWindowMs: options.paymentWindowMs,
      server: options.server ?? FAST_SERVER,
    });
    apps.push(created);
    return created;
  }

  const jobs = () => db.client.db(db.dbName).collection<JobRecord>('docket.jobs');
  const stateOf = async (jobId: string) => (await jobs().findOne({ _id: jobId }))?.state;

  it('paid in time: the confirmation is sent and the payment timeout job is deleted', async () => {
    const orders = await app({ paymentWindowMs: 60_000 });
    await orders.placeOrder('paid-1', 'ada@example.com');
    const timeoutJobId = orders.orders.get('paid-1').paymentTimeoutJobId!;
    expect(await stateOf(timeoutJobId)).toBe('scheduled');
    expect((await jobs().findOne({ _id: timeoutJobId }))?.payload).toEqual({
      commandType: 'orders.cancel-unpaid',
      command: { orderId: 'paid-1' },
    });

    await orders.pay('paid-1');
    expect(await stateOf(timeoutJobId)).toBe('deleted');
    expect(orders.orders.get('paid-1').status).toBe('paid');
    await waitFor(() => orders.outbox.sent.some((mail) => mail.orderId === 'paid-1'), {
      what: 'the confirmation email',
    });
    expect(orders.outbox.sent.filter((mail) => mail.orderId === 'paid-1')).toEqual([
      expect.objectContaining({ to: 'ada@example.com' }),
    ]);
  });

  it('timed out: CancelUnpaidOrder runs through ExecuteCommandJob and cancels the order', async () => {
    const orders = await app({ paymentWindowMs: 300 });
    await orders.placeOrder('unpaid-1', 'grace@example.com');
    const timeoutJobId = orders.orders.get('unpaid-1').paymentTimeoutJobId!;
    await waitFor(async () => (await stateOf(timeoutJobId)) === 'succeeded', {
      what: 'the payment timeout job to run',
    });
    expect(orders.orders.get('unpaid-1').status).toBe('cancelled');
    const job = await jobs().findOne({ _id: timeoutJobId });
    expect(job).toMatchObject({ type: 'docket.execute-command', attempt: 1 });
    await expect(orders.pay('unpaid-1')).rejects.toThrow(/cannot be paid: it is cancelled/);
  });

  it('re-emitting OrderPlaced (a retry) finds the waiting jobs instead of duplicating them', async () => {
    // No server: both jobs stay waiting, so uniqueKey must match them.
    const orders = await app({ paymentWindowMs: 60_000, server: false });
    await orders.placeOrder('retried-1', 'hedy@example.com');
    const firstTimeout = orders.orders.get('retried-1').paymentTimeoutJobId!;

    const sagas = orders.container.resolve(SAGA_RUNNER);
    const outcomes = await sagas.publish(new OrderPlaced('retried-1', 'hedy@example.com'));
    expect(outcomes.map((o) => o.command.constructor.name)).toEqual([
      'EnqueueJobCommand',
      'ScheduleJobCommand',
      'RecordPaymentTimeout',
    ]);
    expect(outcomes[1].result).toBe(firstTimeout);
    expect(orders.orders.get('retried-1').paymentTimeoutJobId).toBe(firstTimeout);
    expect(await jobs().countDocuments({ uniqueKey: 'payment-timeout:retried-1' })).toBe(1);
    expect(await jobs().countDocuments({ uniqueKey: 'order-confirmation:retried-1' })).toBe(1);
  });
});
