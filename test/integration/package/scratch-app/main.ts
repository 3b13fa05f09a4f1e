/**
 * A user's application, compiled and run by the tarball test against the packed package:
 * one job whose handler injects a dependency from the app's own container, then the dashboard.
 * Prints one line, RESULT and JSON: the job id, what the handler did, the kind of MongoDB used,
 * and what the dashboard answered for its page and for each asset the page links to.
 */
import 'reflect-metadata';
import { IsString, MaxLength } from 'class-validator';
import { container, injectable } from 'tsyringe';
import {
  Docket,
  Job,
  JobHandler,
  JOB_SCHEDULER,
  type IJob,
  type IJobHandler,
  type IJobScheduler,
  type JobContext,
} from 'docket';
import { startDashboard } from 'docket/dashboard';
import { startEphemeralMongo } from 'docket/testing';

@injectable()
class Greeter {
  readonly greeted: string[] = [];

  greet(name: string): void {
    this.greeted.push(name);
  }
}

@Job('scratch.greet')
class GreetJob implements IJob {
  @IsString() @MaxLength(50) name!: string;
}

@JobHandler(GreetJob)
export class GreetHandler implements IJobHandler<GreetJob> {
  constructor(private readonly greeter: Greeter) {}

  async handle(job: GreetJob, ctx: JobContext): Promise<void> {
    ctx.signal.throwIfAborted();
    this.greeter.greet(job.name);
  }
}

/** The dashboard's page, and each asset it links to as a browser would fetch it. */
async function fetchDashboard(docket: Docket) {
  const dashboard = await startDashboard(docket);
  try {
    const page = await fetch(dashboard.url);
    const html = await page.text();
    const assets = [];
    for (const [, href] of html.matchAll(/(?:href|src)="([^"]*\/assets\/[^"]+)"/g)) {
      const res = await fetch(new URL(href, dashboard.url));
      const bytes = (await res.arrayBuffer()).byteLength;
      const name = new URL(href, dashboard.url).pathname.split('/').pop();
      assets.push({ name, status: res.status, type: res.headers.get('content-type'), bytes });
    }
    return { page: page.status, assets };
  } finally {
    await dashboard.close();
  }
}

async function main(): Promise<void> {
  const mongo = await startEphemeralMongo({ announce: false });
  const app = container.createChildContainer();
  app.registerSingleton(Greeter);
  const docket = await Docket.create({
    mongo: { uri: mongo.uri, dbName: 'scratch' },
    container: app,
  });
  try {
    const finished = new Promise<string>((resolve, reject) => {
      docket.on('job.succeeded', (event) => resolve(event.jobId));
      docket.on('job.failed', (event) => reject(event.error));
      setTimeout(() => reject(new Error('the job did not finish within 20 s')), 20_000).unref();
    });
    await docket.startServer({ pollIntervalMs: 50 });
    const scheduler = app.resolve<IJobScheduler>(JOB_SCHEDULER);
    const id = await scheduler.enqueue(Object.assign(new GreetJob(), { name: 'Ada' }));
    const finishedId = await finished;
    const greeted = app.resolve(Greeter).greeted;
    const dashboard = await fetchDashboard(docket);
    console.log(
      `RESULT ${JSON.stringify({ id, finishedId, greeted, mongo: mongo.kind, dashboard })}`,
    );
  } finally {
    await docket.close();
    await mongo.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
