/**
 * The order saga sample (`npm run sample:order-saga`): two orders on an ephemeral MongoDB.
 * One is paid in time (its payment timeout job is deleted), the other is not (the timeout
 * runs the CancelUnpaidOrder command in the background and the order is cancelled).
 */
import 'reflect-metadata';
import { startEphemeralMongo } from '../../src/testing';
import { createOrderApp } from './order-app';

const PAYMENT_WINDOW_MS = 1_500;
const DEADLINE_MS = 15_000;

async function main(): Promise<void> {
  const mongo = await startEphemeralMongo();
  console.log(`MongoDB: ${mongo.kind} (${mongo.reason})`);
  const started = Date.now();
  const log = (line: string) =>
    console.log(`${String(Date.now() - started).padStart(5)} ms  ${line}`);
  const app = await createOrderApp({
    uri: mongo.uri,
    paymentWindowMs: PAYMENT_WINDOW_MS,
    log,
    server: { pollIntervalMs: 200 },
  });
  try {
    app.docket.on('job.succeeded', (e) => log(`job ${e.jobType} ${e.jobId} succeeded`));
    app.docket.on('job.deleted', (e) => log(`job ${e.jobType} ${e.jobId} deleted`));
    app.docket.on('job.failed', (e) =>
      log(`job ${e.jobType} ${e.jobId} failed: ${e.error.message}`),
    );

    await app.placeOrder('order-1', 'ada@example.com');
    log(`order-1 placed (pays at once)`);
    await app.placeOrder('order-2', 'grace@example.com');
    log(`order-2 placed (never pays: cancelled after ${PAYMENT_WINDOW_MS} ms)`);
    await app.pay('order-1');
    log('order-1 paid');

    const timeoutOf = (id: string) => app.orders.get(id).paymentTimeoutJobId!;
    const finished = await until(async () => {
      const [paidTimeout, unpaidTimeout] = await Promise.all([
        app.docket.getJob(timeoutOf('order-1')),
        app.docket.getJob(timeoutOf('order-2')),
      ]);
      return (
        app.outbox.sent.length === 2 &&
        paidTimeout?.state === 'deleted' &&
        unpaidTimeout?.state === 'succeeded'
      );
    });

    console.log('\norder    status            payment timeout job');
    for (const order of app.orders.all()) {
      const job = await app.docket.getJob(order.paymentTimeoutJobId!);
      console.log(`${order.id}  ${order.status.padEnd(16)}  ${job?._id} ${job?.state}`);
    }
    const ok =
      finished &&
      app.orders.get('order-1').status === 'paid' &&
      app.orders.get('order-2').status === 'cancelled';
    console.log(ok ? '\nBoth paths went as expected.' : '\nSomething did not happen in time.');
    process.exitCode = ok ? 0 : 1;
  } finally {
    await app.close();
    await mongo.stop();
  }
}

/** Polls `condition` until it holds or the deadline passes; says which. */
async function until(condition: () => Promise<boolean>): Promise<boolean> {
  const deadline = Date.now() + DEADLINE_MS;
  while (Date.now() < deadline) {
    if (await condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
