/**
 * `JobContext.artefacts`: files a job leaves, streamed to GridFS, listed with the job under
 * the attempt's fence, within size limits, and removed once the job is gone.
 */
import { IsInt } from 'class-validator';
import { Readable } from 'node:stream';
import {
  ArtefactTooLargeError,
  InvalidOptionsError,
  Job,
  JobHandler,
  LeaseLostError,
  type Docket,
  type IJob,
  type IJobHandler,
  type JobContext,
  type JobRecord,
} from '../../../src';
import { MongoJobArtefacts } from '../../../src/storage/mongo/mongo-job-artefacts';
import { GridFsArtefactStorage } from '../../../src/storage/mongo/gridfs-artefact-storage';
import { createTestDocket, FAST_SERVER } from '../../helpers/docket';
import { openTestDatabase, type TestDatabase } from '../../helpers/mongo';
import { nextEvent, waitFor } from '../../helpers/wait-for';

@Job('job-artefacts.work')
class WorkJob implements IJob {
  @IsInt() n!: number;
}

/** What the handler does in each test. */
let behaviour: (ctx: JobContext) => Promise<void>;

@JobHandler(WorkJob, { retries: 1, backoff: { baseMs: 10, maxMs: 10 } })
class WorkHandler implements IJobHandler<WorkJob> {
  handle(_job: WorkJob, ctx: JobContext): Promise<void> {
    return behaviour(ctx);
  }
}

const work = (n: number) => Object.assign(new WorkJob(), { n });
const MAX_BYTES = 500_000;
const MAX_BYTES_PER_JOB = 750_000;

async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

describe('job artefacts', () => {
  let db: TestDatabase;
  let docket: Docket;
  const collection = (name: string) => db.client.db(db.dbName).collection(name);
  const jobs = () => collection('docket.jobs');
  const sweeper = () => {
    const database = db.client.db(db.dbName);
    return new MongoJobArtefacts(
      database,
      'docket.',
      new GridFsArtefactStorage(database, 'docket.artefacts'),
    );
  };
  /** The GridFS files and chunks a job has. */
  async function stored(jobId: string): Promise<{ files: number; chunks: number }> {
    const files = await collection('docket.artefacts.files')
      .find({ 'metadata.jobId': jobId })
      .toArray();
    const chunks = await collection('docket.artefacts.chunks').countDocuments({
      files_id: { $in: files.map((file) => file._id) },
    });
    return { files: files.length, chunks };
  }

  beforeAll(async () => {
    db = await openTestDatabase('job_artefacts');
    ({ docket } = await createTestDocket(db, {
      handlers: [WorkHandler],
      artefacts: { maxBytes: MAX_BYTES, maxBytesPerJob: MAX_BYTES_PER_JOB },
    }));
    docket.on('error', () => undefined);
    await docket.startServer(FAST_SERVER);
  });

  afterAll(async () => {
    await docket?.close();
    await db?.cleanup();
  });

  /** Enqueues a job and resolves with it once it finished. */
  async function run(n: number): Promise<JobRecord> {
    const jobId = await docket.scheduler.enqueue(work(n));
    await docket.scheduler.waitForJob(jobId, { timeoutMs: 20_000 });
    return (await docket.getJob(jobId))!;
  }

  it('stores text, bytes and streams, lists them with the job, and opens them by name', async () => {
    behaviour = async (ctx) => {
      await ctx.artefacts.put('report.csv', 'a,b\n1,2\n', { contentType: 'text/csv' });
      await ctx.artefacts.put('raw.bin', Buffer.from([1, 2, 3]));
      await ctx.artefacts.put('lines.txt', Readable.from(['one\n', 'two\n', 'three\n']));
    };
    const job = await run(1);
    expect(job.state).toBe('succeeded');
    expect(job.artefacts!.map((a) => [a.name, a.size, a.contentType, a.attempt])).toEqual([
      ['report.csv', 8, 'text/csv', 1],
      ['raw.bin', 3, 'application/octet-stream', 1],
      ['lines.txt', 14, 'application/octet-stream', 1],
    ]);
    const opened = await docket.openArtefact(job._id, 'lines.txt');
    expect(opened!.info.size).toBe(14);
    expect(await readAll(opened!.stream)).toBe('one\ntwo\nthree\n');
    expect(await docket.openArtefact(job._id, 'nope.txt')).toBeNull();
    expect(await stored(job._id)).toEqual({ files: 3, chunks: 3 });
  });

  it("replaces an artefact of the same name, a later attempt's included, and removes the old file", async () => {
    behaviour = async (ctx) => {
      await ctx.artefacts.put('result.json', JSON.stringify({ attempt: ctx.attempt }));
      if (ctx.attempt === 1) throw new Error('first attempt fails after its put');
    };
    const job = await run(2);
    expect(job.attempt).toBe(2);
    expect(job.artefacts!.map((a) => [a.name, a.attempt])).toEqual([['result.json', 2]]);
    expect(await readAll((await docket.openArtefact(job._id, 'result.json'))!.stream)).toBe(
      '{"attempt":2}',
    );
    expect((await stored(job._id)).files).toBe(1);
  });

  it('refuses an artefact past its limit, then past the job limit, keeping nothing of it', async () => {
    const caught: unknown[] = [];
    behaviour = async (ctx) => {
      if (ctx.attempt > 1) return;
      async function* big() {
        for (let i = 0; i < 60; i++) yield Buffer.alloc(10_000, i);
      }
      caught.push(await ctx.artefacts.put('big.bin', big()).catch((error: unknown) => error));
      await ctx.artefacts.put('first.bin', Buffer.alloc(450_000));
      caught.push(
        await ctx.artefacts
          .put('second.bin', Buffer.alloc(450_000))
          .catch((error: unknown) => error),
      );
    };
    const job = await run(3);
    expect(caught[0]).toBeInstanceOf(ArtefactTooLargeError);
    expect(caught[0]).toMatchObject({ scope: 'artefact', limitBytes: MAX_BYTES });
    expect(caught[1]).toBeInstanceOf(ArtefactTooLargeError);
    expect(caught[1]).toMatchObject({ scope: 'job', limitBytes: MAX_BYTES_PER_JOB - 450_000 });
    expect(job.artefacts!.map((a) => a.name)).toEqual(['first.bin']);
    expect((await stored(job._id)).files).toBe(1);
  });

  it('refuses the artefact of an attempt that no longer holds its job, and removes its file', async () => {
    let caught: unknown;
    behaviour = async (ctx) => {
      if (ctx.attempt > 1) return;
      async function* takenOverMidway() {
        yield Buffer.alloc(200_000, 1);
        // Another worker takes the job over, as after a lease expiry, while the file streams.
        await jobs().updateOne({ _id: ctx.jobId as never }, { $inc: { fence: 1 } });
        yield Buffer.alloc(200_000, 2);
      }
      caught = await ctx.artefacts.put('late.bin', takenOverMidway()).catch((e: unknown) => e);
      throw caught;
    };
    const lost = nextEvent<{ jobId: string }>((l) => docket.on('job.leaseLost', l));
    const jobId = await docket.scheduler.enqueue(work(4));
    expect((await lost).jobId).toBe(jobId);
    await waitFor(() => caught !== undefined || undefined);
    expect(caught).toBeInstanceOf(LeaseLostError);
    expect((await docket.getJob(jobId))!.artefacts).toBeUndefined();
    expect(await stored(jobId)).toEqual({ files: 0, chunks: 0 });
  });

  it('lists an artefact put inside ctx.transaction only if the transaction commits', async () => {
    behaviour = async (ctx) => {
      await ctx.transaction(async () => {
        await ctx.artefacts.put('receipt.txt', `attempt ${ctx.attempt}`);
        if (ctx.attempt === 1) throw new Error('the transaction aborts');
      });
    };
    const job = await run(5);
    expect(job.state).toBe('succeeded');
    expect(job.artefacts!.map((a) => [a.name, a.attempt])).toEqual([['receipt.txt', 2]]);
    // The aborted attempt's file is listed nowhere: the sweep removes it after its grace.
    expect((await stored(job._id)).files).toBe(2);
    await sweeper().sweep(new Date(Date.now() + 2 * 3_600_000));
    expect((await stored(job._id)).files).toBe(1);
    expect(await readAll((await docket.openArtefact(job._id, 'receipt.txt'))!.stream)).toBe(
      'attempt 2',
    );
  });

  it('removes the files and chunks of jobs that are gone, and keeps the others', async () => {
    behaviour = async (ctx) => {
      await ctx.artefacts.put('out.bin', Buffer.alloc(70_000, 7));
    };
    const gone = await run(6);
    const kept = await run(7);
    expect(await stored(gone._id)).toEqual({ files: 1, chunks: 1 });
    // As retention's TTL monitor would.
    await jobs().deleteOne({ _id: gone._id as never });
    expect(await sweeper().sweep(new Date())).toBeGreaterThanOrEqual(1);
    expect(await stored(gone._id)).toEqual({ files: 0, chunks: 0 });
    expect(await stored(kept._id)).toEqual({ files: 1, chunks: 1 });
  });

  it('refuses invalid names, content types and data with a typed error', async () => {
    const caught: unknown[] = [];
    behaviour = async (ctx) => {
      for (const call of [
        () => ctx.artefacts.put('', 'x'),
        () => ctx.artefacts.put('../etc/passwd', 'x'),
        () => ctx.artefacts.put('a\nb', 'x'),
        () => ctx.artefacts.put('ok.txt', 'x', { contentType: 'text/html\r\nX: y' }),
        () => ctx.artefacts.put('ok.txt', 42 as never),
      ]) {
        caught.push(await call().catch((error: unknown) => error));
      }
    };
    const job = await run(8);
    expect(caught).toHaveLength(5);
    for (const error of caught) expect(error).toBeInstanceOf(InvalidOptionsError);
    expect(job.artefacts).toBeUndefined();
    await expect(createTestDocket(db, { artefacts: { maxBytes: 0 } })).rejects.toThrow(
      /artefacts.maxBytes/,
    );
    await expect(createTestDocket(db, { artefacts: { storage: {} as never } })).rejects.toThrow(
      /artefacts.storage/,
    );
  });
});
