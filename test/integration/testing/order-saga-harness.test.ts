import type { DependencyContainer } from 'tsyringe';
import { OrderRepository } from '../../../samples/order-saga/domain';
import { Outbox } from '../../../samples/order-saga/email.job';
import { createOrderContainer, ORDER_JOB_HANDLERS } from '../../../samples/order-saga/order-app';
import { PayOrder, PlaceOrder } from '../../../samples/order-saga/order.commands';
import type { CommandBus } from '../../../src';
import { JobWaitTimeoutError } from '../../../src/errors/job-wait-timeout.error';
import { createTestHarness, type TestHarness } from '../../../src/testing/harness/test-harness';

const PAYMENT_WINDOW_MS = 15 * 60_000;

/** Delivery list of a mail server that refuses the first message it is handed. */
class RefusingOnceList<T> extends Array<T> {
  refused = 0;
  override push(...items: T[]): number {
    if (this.refused++ === 0) throw new Error('mail server unavailable');
    return super.push(...items);
  }
}

/** An outbox whose mail server is down for the first delivery. */
class FlakyOutbox extends Outbox {
  override readonly sent = new RefusingOnceList<{ orderId: string; to: string; jobId: string }>();
}

/**
 * The order-saga sample under the test harness: its payment window runs out when the test
 * moves the clock, not after 15 real minutes.
 */
describe('the order saga sample, tested with the harness', () => {
  let harness: TestHarness;
  let container: DependencyContainer;
  let bus: CommandBus;

  async function start(configure?: (container: DependencyContainer) => void): Promise<void> {
    ({ container, bus } = createOrderContainer({ paymentWindowMs: PAYMENT_WINDOW_MS }));
    configure?.(container);
    harness = await createTestHarness({ container, handlers: ORDER_JOB_HANDLERS });
  }

  afterEach(() => harness?.close());

  const orders = () => container.resolve(OrderRepository);
  const outbox = () => container.resolve(Outbox);
  const timeoutOf = (orderId: string) => orders().get(orderId).paymentTimeoutJobId!;

  it('cancels an unpaid order once the clock passes its payment window', async () => {
    await start();
    await bus.execute(new PlaceOrder('o-1', 'ada@example.com'));
    const first = await harness.drain();
    // The confirmation ran; the payment timeout waits for its time.
    expect(first.succeeded).toHaveLength(1);
    expect(outbox().sent).toEqual([
      { orderId: 'o-1', to: 'ada@example.com', jobId: first.succeeded[0] },
    ]);
    expect((await harness.docket.getJob(timeoutOf('o-1')))?.state).toBe('scheduled');

    harness.clock.advance(PAYMENT_WINDOW_MS - 1);
    expect((await harness.drain()).started).toEqual([]);
    expect(orders().get('o-1').status).toBe('awaiting-payment');

    harness.clock.advance(1);
    const second = await harness.drain();
    expect(second).toMatchObject({ succeeded: [timeoutOf('o-1')], failed: [], retried: [] });
    expect(orders().get('o-1').status).toBe('cancelled');
    const job = await harness.waitForJob(timeoutOf('o-1'), 'succeeded');
    expect(job.startedAt).toEqual(harness.clock.now());
  });

  it('deletes the payment timeout of an order paid in time: it never runs', async () => {
    await start();
    await bus.execute(new PlaceOrder('o-2', 'grace@example.com'));
    await harness.drain();
    harness.clock.advance(60_000);
    await bus.execute(new PayOrder('o-2'));
    expect((await harness.waitForJob(timeoutOf('o-2'), 'deleted')).state).toBe('deleted');

    harness.clock.advance(PAYMENT_WINDOW_MS);
    expect((await harness.drain()).started).toEqual([]);
    expect(orders().get('o-2').status).toBe('paid');
  });

  it('retries the confirmation after its backoff when the mail server refuses it once', async () => {
    await start((c) => c.registerSingleton(Outbox, FlakyOutbox));
    await bus.execute(new PlaceOrder('o-3', 'ada@example.com'));
    const first = await harness.drain();
    expect(first).toMatchObject({ succeeded: [], failed: [] });
    expect(first.retried).toHaveLength(1);
    const [emailJobId] = first.retried;
    const retry = await harness.waitForJob(emailJobId, 'scheduled');
    expect(retry.error?.message).toBe('mail server unavailable');
    expect(outbox().sent).toHaveLength(0);

    // The first retry waits between half and all of the handler's base backoff (1 s).
    harness.clock.advance(1_000);
    const second = await harness.drain();
    expect(second).toMatchObject({ succeeded: [emailJobId], retried: [] });
    expect((await harness.docket.getJob(emailJobId))?.attempt).toBe(2);
    expect(outbox().sent).toHaveLength(1);
  });

  it('waitForJob rejects at its deadline with the state the job is stuck in', async () => {
    await start();
    await bus.execute(new PlaceOrder('o-4', 'ada@example.com'));
    const error = await harness
      .waitForJob(timeoutOf('o-4'), 'succeeded', { timeoutMs: 200 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobWaitTimeoutError);
    expect(error).toMatchObject({
      jobId: timeoutOf('o-4'),
      awaitedStates: ['succeeded'],
      lastState: 'scheduled',
    });
    expect((error as JobWaitTimeoutError).waitedMs).toBeGreaterThanOrEqual(190);
  });
});
