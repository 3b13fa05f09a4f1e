/**
 * `npm run bench:delayed`: how late a delayed job starts on an otherwise idle server with
 * default settings (issue: within 100 ms of its due time). Schedules jobs one after another,
 * each due a fixed delay after the call, and measures handler start − due time.
 */
import 'reflect-metadata';
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { IsNumber } from 'class-validator';
import { container as rootContainer } from 'tsyringe';
import { createLogger, transports } from 'winston';
import {
  Docket,
  JOB_SCHEDULER,
  Job,
  JobHandler,
  type IJob,
  type IJobHandler,
  type IJobScheduler,
} from '../src';
import { startEphemeralMongo } from '../src/testing';

@Job('bench.delayed')
class DelayedJob implements IJob {
  @IsNumber() dueAt!: number;
}

const lateness: number[] = [];
let onStart: () => void = () => undefined;

@JobHandler(DelayedJob)
class DelayedHandler implements IJobHandler<DelayedJob> {
  async handle(job: DelayedJob): Promise<void> {
    lateness.push(Date.now() - job.dueAt);
    onStart();
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function main(): Promise<void> {
  const runs = Number(process.argv[2] ?? 40);
  const delays = [250, 500, 1_000, 1_500];
  const mongo = await startEphemeralMongo();
  const container = rootContainer.createChildContainer();
  const docket = await Docket.create({
    mongo: { uri: mongo.uri, dbName: 'bench_delayed' },
    container,
    handlers: [DelayedHandler],
    logger: createLogger({ level: 'error', transports: [new transports.Console()] }),
  });
  await docket.startServer(); // default settings
  const scheduler = container.resolve<IJobScheduler>(JOB_SCHEDULER);
  for (let i = 0; i < runs; i++) {
    const delayMs = delays[i % delays.length];
    const started = new Promise<void>((resolve) => (onStart = resolve));
    await scheduler.schedule(Object.assign(new DelayedJob(), { dueAt: Date.now() + delayMs }), {
      delayMs,
    });
    await started;
  }
  await docket.database.dropDatabase();
  await docket.close();
  await mongo.stop();
  const sorted = [...lateness].sort((a, b) => a - b);
  const result = {
    server: mongo.kind,
    runs,
    delaysMs: delays,
    latenessMs: {
      p50: percentile(sorted, 50),
      p95: percentile(sorted, 95),
      p99: percentile(sorted, 99),
      max: sorted[sorted.length - 1],
      min: sorted[0],
    },
    targetMs: 100,
    met: sorted[sorted.length - 1] <= 100,
  };
  mkdirSync(join(__dirname, 'results'), { recursive: true });
  writeFileSync(
    join(__dirname, 'results', 'delayed-start.json'),
    `${JSON.stringify(result, null, 2)}\n`,
  );
  console.log(`delayed start on an idle server (${mongo.kind}, default settings, ${runs} jobs):`);
  console.log(
    `  lateness p50 ${result.latenessMs.p50} ms, p95 ${result.latenessMs.p95} ms, max ${result.latenessMs.max} ms (target ≤ 100 ms: ${result.met ? 'met' : 'missed'})`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
