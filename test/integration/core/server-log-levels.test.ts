/**
 * The server's own per-job lines: written with the job's fields when the logger writes debug
 * lines, and never formatted when it does not (winston formats an entry before its
 * transports drop it, which cost every job two formatted lines nobody saw).
 */
import { IsInt } from 'class-validator';
import { createLogger, format, transports, type Logger } from 'winston';
import { Job, JobHandler, type Docket, type IJob, type IJobHandler } from '../../../src';
import { createTestDocket, FAST_SERVER } from '../../helpers/docket';
import { openTestDatabase, type TestDatabase } from '../../helpers/mongo';

@Job('server-log-levels.work')
class WorkJob implements IJob {
  @IsInt() n!: number;
}

@JobHandler(WorkJob)
class WorkHandler implements IJobHandler<WorkJob> {
  async handle(): Promise<void> {}
}

/** A logger at `level` that records every entry its format is asked to format. */
function recordingLogger(level: string): { logger: Logger; formatted: Record<string, unknown>[] } {
  const formatted: Record<string, unknown>[] = [];
  const record = format((info) => {
    formatted.push({ ...info });
    return info;
  });
  const logger = createLogger({
    level,
    format: record(),
    transports: [new transports.Console({ silent: true })],
  });
  return { logger, formatted };
}

describe("the server's per-job log lines", () => {
  let db: TestDatabase;
  let docket: Docket | undefined;

  beforeEach(async () => {
    db = await openTestDatabase('server_log_levels');
  });

  afterEach(async () => {
    await docket?.close();
    docket = undefined;
    await db?.cleanup();
  });

  /** Runs `count` jobs to success on a Docket logging through `logger`. */
  async function runJobs(logger: Logger, count: number): Promise<string[]> {
    ({ docket } = await createTestDocket(db, { handlers: [WorkHandler], logger }));
    const succeeded = new Set<string>();
    const allDone = new Promise<void>((resolve) =>
      docket!.on('job.succeeded', ({ jobId }) => {
        succeeded.add(jobId);
        if (succeeded.size === count) resolve();
      }),
    );
    const ids = await docket.scheduler.enqueueMany(
      Array.from({ length: count }, (_, n) => Object.assign(new WorkJob(), { n })),
    );
    await docket.startServer(FAST_SERVER);
    await allDone;
    return ids;
  }

  it('formats no debug line when the logger writes none', async () => {
    const { logger, formatted } = recordingLogger('info');
    await runJobs(logger, 5);
    expect(formatted.filter((entry) => entry.level === 'debug')).toEqual([]);
  });

  it("writes each job's start and success, with the job's fields, when it writes debug lines", async () => {
    const { logger, formatted } = recordingLogger('debug');
    const ids = await runJobs(logger, 3);
    for (const id of ids) {
      const lines = formatted.filter((entry) => entry.jobId === id).map((entry) => entry.message);
      expect(lines).toEqual(['started', expect.stringMatching(/^succeeded in \d+ ms$/)]);
      const started = formatted.find((entry) => entry.jobId === id)!;
      expect(started).toMatchObject({
        level: 'debug',
        jobType: 'server-log-levels.work',
        queue: 'default',
        attempt: 1,
        serverId: expect.any(String),
      });
    }
  });
});
