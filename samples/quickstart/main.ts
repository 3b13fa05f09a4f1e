/**
 * Docket quickstart (what `npm start` runs): an ephemeral MongoDB, three job types (one
 * that fails twice then succeeds, one delayed), a server, live progress, a summary table,
 * and the dashboard (its URL is printed). It exits once the jobs are done; with
 * `npm start -- --keep-open` it keeps serving the dashboard until Ctrl-C.
 * `DASHBOARD_PORT` chooses the port (default 3000; a free one if 3000 is taken).
 */
import 'reflect-metadata';
import { container } from 'tsyringe';
import { createLogger, transports } from 'winston';
import { Docket, JOB_SCHEDULER, type IJobScheduler } from '../../src';
import { startDashboard, type RunningDashboard } from '../../src/dashboard';
import { startEphemeralMongo } from '../../src/testing';
import { MonthlyReportJob, ReminderJob, WelcomeEmailJob } from './jobs';

const keepOpen = process.argv.includes('--keep-open');

/** The dashboard on loopback (no authorization needed there), on DASHBOARD_PORT or 3000. */
async function openDashboard(docket: Docket): Promise<RunningDashboard> {
  const port = Number(process.env.DASHBOARD_PORT ?? 3000);
  try {
    return await startDashboard(docket, { port });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    return startDashboard(docket, { port: 0 });
  }
}

async function main(): Promise<void> {
  const mongo = await startEphemeralMongo();
  console.log(`MongoDB: ${mongo.kind} (${mongo.reason})`);

  const app = container.createChildContainer();
  const docket = await Docket.create({
    mongo: { uri: mongo.uri, dbName: 'quickstart' },
    container: app,
    logger: createLogger({ level: 'error', transports: [new transports.Console()] }),
  });
  const started = Date.now();
  const at = () => `${String(Date.now() - started).padStart(5)} ms`;
  docket.on('job.started', (e) =>
    console.log(`${at()}  ▶ ${e.jobType} ${e.jobId} attempt ${e.attempt}`),
  );
  docket.on('job.progress', (e) =>
    console.log(`${at()}    ${e.jobType} ${e.percent}% ${e.message ?? ''}`),
  );
  docket.on('job.retried', (e) =>
    console.log(
      `${at()}  ↻ ${e.jobType} failed (${e.error.message}), retry at ${e.nextAttemptAt.toISOString()}`,
    ),
  );
  docket.on('job.succeeded', (e) => console.log(`${at()}  ✔ ${e.jobType} in ${e.durationMs} ms`));
  docket.on('job.failed', (e) => console.log(`${at()}  ✘ ${e.jobType}: ${e.error.message}`));

  const finishedIds = new Set<string>();
  let onFinished = (): void => undefined;
  for (const event of ['job.succeeded', 'job.failed'] as const) {
    docket.on(event, (e) => {
      finishedIds.add(e.jobId);
      onFinished();
    });
  }

  await docket.startServer({ queues: ['default', 'reports'], concurrency: 4 });
  const dashboard = await openDashboard(docket);
  console.log(
    `Dashboard: ${dashboard.url}${keepOpen ? '' : '  (npm start -- --keep-open keeps it open)'}`,
  );

  const scheduler = app.resolve<IJobScheduler>(JOB_SCHEDULER);
  const ids = [
    await scheduler.enqueue(
      Object.assign(new WelcomeEmailJob(), { to: 'ada@example.com', subject: 'Welcome!' }),
    ),
    await scheduler.enqueue(Object.assign(new MonthlyReportJob(), { month: 10 }), {
      queue: 'reports',
      priority: 5,
    }),
    await scheduler.schedule(Object.assign(new ReminderJob(), { text: 'call Grace' }), {
      delayMs: 1_500,
    }),
  ];
  console.log(`${at()}  enqueued ${ids.length} jobs`);

  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 25_000);
    onFinished = () => {
      if (ids.every((id) => finishedIds.has(id))) {
        clearTimeout(timer);
        resolve();
      }
    };
    onFinished();
  });
  const jobs = await Promise.all(ids.map((id) => docket.getJob(id)));

  console.log(
    '\nid                        type                       state      attempts  duration',
  );
  for (const job of jobs) {
    if (!job) continue;
    console.log(
      `${job._id}  ${job.type.padEnd(25)}  ${job.state.padEnd(9)}  ${String(job.attempt).padStart(8)}  ${job.durationMs ?? '-'} ms`,
    );
  }
  const ok = jobs.every((job) => job?.state === 'succeeded');
  console.log(ok ? '\nAll jobs succeeded.' : '\nSome jobs did not succeed in time.');
  process.exitCode = ok ? 0 : 1;
  if (keepOpen) {
    console.log(`\nDashboard still serving at ${dashboard.url} (Ctrl-C to stop)`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
  }
  await dashboard.close();
  await docket.close();
  await mongo.stop();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
