import { container as rootContainer } from 'tsyringe';
import { createLogger, transports } from 'winston';
import { Docket, JOB_SCHEDULER, type IJobScheduler, type JobState } from '../../src';
import { journal, step, StepHandler, TickHandler, TickJob } from './jobs';

/** Runs the scheduling tour against `uri`; `print` receives each line it reports. */
export async function runSchedulingSample(
  uri: string,
  print: (line: string) => void,
): Promise<void> {
  const container = rootContainer.createChildContainer();
  const docket = await Docket.create({
    mongo: { uri, dbName: `scheduling_sample_${process.pid}` },
    container,
    handlers: [TickHandler, StepHandler],
    logger: createLogger({ level: 'error', transports: [new transports.Console()] }),
  });
  const scheduler = container.resolve<IJobScheduler>(JOB_SCHEDULER);
  const stateOf = async (id: string): Promise<JobState | undefined> =>
    (await docket.getJob(id))?.state;
  const until = (condition: () => Promise<boolean>, what: string) => waitUntil(condition, what);
  try {
    await docket.startServer({ queues: ['default', 'reports'] });

    print('1. A recurring job every second (6-field cron, seconds first):');
    const ticks: string[] = [];
    docket.on('recurring.enqueued', (e) => ticks.push(e.jobId));
    await scheduler.addOrUpdateRecurring('sample.tick', new TickJob(), '* * * * * *');
    await until(async () => ticks.length >= 3, 'three ticks');
    const [info] = await scheduler.listRecurring();
    print(`   3 occurrences enqueued: ${ticks.join(', ')}`);
    print(
      `   last run ${info.lastRunAt?.toISOString()}, next run ${info.nextRunAt?.toISOString()}`,
    );
    await scheduler.removeRecurring('sample.tick');

    print('2. A continuation chain: download → resize → publish');
    const download = await scheduler.schedule(step('download', 'cat.png'), { delayMs: 500 });
    const resize = await scheduler.continueWith(download, step('resize', 'cat.png'));
    const publish = await scheduler.continueWith(resize, step('publish', 'cat.png'));
    print(
      `   while download waits: resize is ${await stateOf(resize)}, publish is ${await stateOf(publish)}`,
    );
    await until(async () => (await stateOf(publish)) === 'succeeded', 'the chain');
    print(`   ran in order: ${journal.filter((line) => line.endsWith('cat.png')).join(' → ')}`);

    print('3. A uniqueness key: a second enqueue returns the first job');
    const first = await scheduler.schedule(
      step('sync', 'acme'),
      { delayMs: 60_000 },
      { uniqueKey: 'sync:acme' },
    );
    const second = await scheduler.enqueue(step('sync', 'acme'), { uniqueKey: 'sync:acme' });
    print(`   ${first} ${first === second ? '===' : '!=='} ${second}`);
    await scheduler.delete(first);

    print('4. A paused queue keeps its jobs until resumed');
    await docket.pauseQueue('reports');
    const report = await scheduler.enqueue(step('report', 'q3'), { queue: 'reports' });
    const [reports] = (await docket.listQueues()).filter((q) => q.name === 'reports');
    print(`   paused: ${reports.paused}, waiting: ${JSON.stringify(reports.counts)}`);
    await docket.resumeQueue('reports');
    await until(async () => (await stateOf(report)) === 'succeeded', 'the report');
    print(`   after resume the report is ${await stateOf(report)}`);
  } finally {
    await docket.database.dropDatabase().catch(() => undefined);
    await docket.close();
  }
}

async function waitUntil(
  condition: () => Promise<boolean>,
  what: string,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
