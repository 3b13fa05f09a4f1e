/**
 * The waits of one Docket, on a fake storage port: the races between arming the feed,
 * reading the job and hearing of its finish, and the feed's fallback from a failed change
 * stream to polling and back.
 */
import { JobNotFoundError, JobWaitTimeoutError, StorageError } from '../../../src/errors';
import { JobWaits } from '../../../src/scheduler/job-waits';
import type { FinishedJobSource, FinishedJobWatch } from '../../../src/storage/finished-jobs';
import { FINISHED_STATES, type JobRecord, type JobState } from '../../../src/storage/job-record';
import { newJobRecord } from '../../../src/storage/new-job-record';
import { waitFor } from '../../helpers/wait-for';

/** A change stream the test drives. */
interface FakeStream extends FinishedJobWatch {
  readonly change: (jobId: string) => void;
  readonly fail: (error: unknown) => void;
  closed: boolean;
}

/** The storage port in memory: jobs by id, the streams it opened, the polls it answered. */
class FakeSource implements FinishedJobSource {
  readonly jobs = new Map<string, JobRecord>();
  readonly streams: FakeStream[] = [];
  polls = 0;
  /** What `watchFinishedJobs` does: open a stream, answer null (a standalone), or throw. */
  watch: 'stream' | 'standalone' | Error = 'stream';
  /** Runs inside `watchFinishedJobs`, before the stream is armed. */
  beforeArming: () => void = () => undefined;
  /** Runs inside `findById`, after the job was read and before the read returns it. */
  duringRead: (jobId: string) => void = () => undefined;
  failReads = 0;

  async watchFinishedJobs(
    onChange: (jobId: string) => void,
    onError: (error: unknown) => void,
  ): Promise<FinishedJobWatch | null> {
    this.beforeArming();
    if (this.watch instanceof Error) throw this.watch;
    if (this.watch === 'standalone') return null;
    const stream: FakeStream = {
      change: onChange,
      fail: onError,
      closed: false,
      close: async () => {
        stream.closed = true;
      },
    };
    this.streams.push(stream);
    return stream;
  }

  async findFinished(jobIds: readonly string[]): Promise<JobRecord[]> {
    this.polls++;
    return jobIds
      .map((id) => this.jobs.get(id))
      .filter((job): job is JobRecord => job !== undefined && FINISHED_STATES.includes(job.state));
  }

  async findById(jobId: string): Promise<JobRecord | null> {
    if (this.failReads > 0) {
      this.failReads--;
      throw new StorageError('Could not read the job: connection reset');
    }
    const job = this.jobs.get(jobId);
    const copy = job ? { ...job } : null;
    this.duringRead(jobId);
    return copy;
  }

  add(id: string, state: JobState): void {
    const now = new Date();
    const job = newJobRecord({
      id,
      type: 't',
      queue: 'default',
      priority: 0,
      payload: {},
      state,
      dueAt: now,
      now,
      maxAttempts: null,
      timeoutMs: null,
    });
    this.jobs.set(id, job);
  }

  set(id: string, state: JobState): void {
    this.jobs.set(id, { ...this.jobs.get(id)!, state });
  }

  /** The stream open now (the last one opened, not closed). */
  get open(): FakeStream | undefined {
    const last = this.streams.at(-1);
    return last?.closed === false ? last : undefined;
  }
}

describe('JobWaits', () => {
  let source: FakeSource;
  let waits: JobWaits;
  let reported: string[];

  function create(pollIntervalMs = 60_000): JobWaits {
    reported = [];
    return new JobWaits({
      source,
      pollIntervalMs,
      report: (_error, context) => reported.push(context),
      random: () => 0,
    });
  }

  beforeEach(() => {
    source = new FakeSource();
    waits = create();
  });

  afterEach(() => waits.close());

  const noDeadline = { timeoutMs: null, signal: null };

  it('does not miss a finish reported while its first read is under way', async () => {
    source.add('a', 'processing');
    // The job finishes after the read saw it running, before the read returns.
    source.duringRead = (jobId) => {
      source.duringRead = () => undefined;
      source.set(jobId, 'succeeded');
      source.open!.change(jobId);
    };
    await expect(waits.wait('a', noDeadline)).resolves.toMatchObject({ state: 'succeeded' });
  });

  it('shares one stream between waits, and closes it when the last wait ends', async () => {
    source.add('a', 'processing');
    source.add('b', 'processing');
    const controller = new AbortController();
    const a = waits.wait('a', { timeoutMs: null, signal: controller.signal });
    const b = waits.wait('b', noDeadline);
    await waitFor(() => source.open);
    expect(source.streams).toHaveLength(1);
    controller.abort(new Error('gave up'));
    await expect(a).rejects.toThrow('gave up');
    expect(source.open).toBeDefined();
    source.set('b', 'failed');
    source.open!.change('b');
    await expect(b).resolves.toMatchObject({ state: 'failed' });
    expect(source.streams[0].closed).toBe(true);
    expect(waits.pending).toBe(0);
  });

  it('a change of a job nobody waits for reads nothing; a requeued job is waited for again', async () => {
    source.add('a', 'processing');
    let reads = 0;
    source.duringRead = () => reads++;
    const a = waits.wait('a', noDeadline);
    await waitFor(() => reads === 1);
    source.open!.change('someone-else');
    // Finished, then requeued before the read: the wait goes on.
    source.set('a', 'enqueued');
    source.open!.change('a');
    await waitFor(() => reads === 2);
    source.set('a', 'succeeded');
    source.open!.change('a');
    await expect(a).resolves.toMatchObject({ state: 'succeeded' });
    expect(reads).toBe(3);
  });

  it('polls for all waits in one query on a standalone', async () => {
    source.watch = 'standalone';
    waits = create(10);
    source.add('a', 'processing');
    source.add('b', 'scheduled');
    const both = Promise.all([waits.wait('a', noDeadline), waits.wait('b', noDeadline)]);
    await waitFor(() => source.polls >= 2);
    source.set('a', 'succeeded');
    source.set('b', 'failed');
    await expect(both).resolves.toMatchObject([{ state: 'succeeded' }, { state: 'failed' }]);
    expect(source.streams).toEqual([]);
  });

  it('polls when the stream fails, and a poll after the reopened stream is armed catches what finished between', async () => {
    source.add('a', 'processing');
    const a = waits.wait('a', noDeadline);
    await waitFor(() => source.open);
    const pollsBefore = source.polls;
    source.open!.fail(new StorageError('Could not watch for finished jobs: boom'));
    expect(reported).toEqual([
      'the change stream of finished jobs failed; polling until it is reopened',
    ]);
    await waitFor(() => source.polls > pollsBefore, { what: 'a poll at once' });
    // The poll interval is a minute: only the poll made after arming can find this finish,
    // which happens while the stream is reopened, before it is armed.
    source.beforeArming = () => source.set('a', 'succeeded');
    await expect(a).resolves.toMatchObject({ state: 'succeeded' });
    expect(source.streams).toHaveLength(2);
  });

  it('polls until a poll works when the read that confirms a change fails', async () => {
    source.add('a', 'processing');
    let reads = 0;
    source.duringRead = () => reads++;
    const a = waits.wait('a', noDeadline);
    await waitFor(() => reads === 1, { what: "the wait's first read" });
    source.set('a', 'succeeded');
    source.failReads = 1;
    source.open!.change('a');
    await expect(a).resolves.toMatchObject({ state: 'succeeded' });
    expect(reported).toEqual([`reading job a after a change failed; polling for it`]);
    expect(source.polls).toBe(1);
  });

  it('rejects the waits when the feed cannot be opened, and tries again at the next wait', async () => {
    source.add('a', 'succeeded');
    source.watch = new StorageError('Could not detect the deployment: no server');
    await expect(waits.wait('a', noDeadline)).rejects.toThrow('no server');
    source.watch = 'stream';
    await expect(waits.wait('a', noDeadline)).resolves.toMatchObject({ state: 'succeeded' });
  });

  it('rejects JobNotFoundError for an unknown job, or one removed while awaited', async () => {
    await expect(waits.wait('nope', noDeadline)).rejects.toBeInstanceOf(JobNotFoundError);
    source.add('a', 'processing');
    let reads = 0;
    source.duringRead = () => reads++;
    const a = waits.wait('a', noDeadline);
    await waitFor(() => reads === 1, { what: "the wait's first read" });
    source.jobs.delete('a');
    source.open!.change('a');
    await expect(a).rejects.toBeInstanceOf(JobNotFoundError);
  });

  it('ends a wait at its deadline only once the job was read', async () => {
    source.add('a', 'processing');
    let release: () => void = () => undefined;
    const blocked = new Promise<void>((resolve) => (release = resolve));
    const read = source.findById.bind(source);
    source.findById = async (jobId) => {
      await blocked;
      return read(jobId);
    };
    const a = waits.wait('a', { timeoutMs: 0, signal: null });
    let settled = false;
    a.catch(() => (settled = true));
    // Timers of equal delay fire in the order they were set: the deadline's has fired.
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(settled).toBe(false);
    release();
    const error = await a.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobWaitTimeoutError);
    expect(error).toMatchObject({ lastState: 'processing', timeoutMs: 0 });
  });
});
