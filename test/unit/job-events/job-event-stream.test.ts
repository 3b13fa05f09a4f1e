/**
 * The stream over a fake source: a failed read is reported and the stream reopens after the
 * last event read (an event already read is neither lost nor read twice); a lost position
 * rejects the iteration and closes the stream; a close ends a pending read.
 */
import { JobEventsLostError, StorageError } from '../../../src/errors';
import { openJobEventStream, resolveJobEventStreamOptions } from '../../../src/job-events';
import type {
  JobEventPosition,
  JobEventReader,
  JobEventSource,
  PositionedEvent,
} from '../../../src/storage/job-stream-event';

const at = new Date('2026-01-01T00:00:00Z');
const positioned = (n: number): PositionedEvent => ({
  event: { jobId: `j${n}`, jobType: 't', queue: 'q', at, attempt: 0, event: 'enqueued', dueAt: at },
  position: { kind: 'change-stream', token: `0${n}` },
});

/** A reader that answers the scripted reads in turn, then waits until closed. */
class ScriptedReader implements JobEventReader {
  readonly transport = 'change-stream' as const;
  position: JobEventPosition | null = null;
  closed = false;
  private release: (() => void) | undefined;

  constructor(
    readonly opened: JobEventPosition | null,
    private readonly script: Array<readonly PositionedEvent[] | Error>,
  ) {}

  async read(): Promise<readonly PositionedEvent[]> {
    const next = this.script.shift();
    if (next === undefined) {
      await new Promise<void>((resolve) => (this.release = resolve));
      return [];
    }
    if (next instanceof Error) throw next;
    this.position = next.at(-1)?.position ?? this.position;
    return next;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.release?.();
  }
}

function fakeSource(scripts: Array<Array<readonly PositionedEvent[] | Error>>) {
  const opened: Array<JobEventPosition | null> = [];
  const readers: ScriptedReader[] = [];
  const source: JobEventSource = {
    async open(_filter, after) {
      opened.push(after);
      const reader = new ScriptedReader(after, scripts.shift() ?? []);
      readers.push(reader);
      return reader;
    },
  };
  return { source, opened, readers };
}

async function open(source: JobEventSource, options = {}) {
  const reports: string[] = [];
  const stream = await openJobEventStream(
    {
      source,
      report: (error, context) => reports.push(`${context}: ${(error as Error).message}`),
      onClosed: () => undefined,
      random: () => 0,
    },
    resolveJobEventStreamOptions(options),
  );
  return { stream, reports };
}

describe('JobEventStream', () => {
  it('reopens after the last event read when a read fails, and hands out each event once', async () => {
    const { source, opened, readers } = fakeSource([
      [[positioned(1), positioned(2)], new StorageError('connection dropped')],
      [[positioned(3)]],
    ]);
    const { stream, reports } = await open(source);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await stream.next()).value!.jobId);
    expect(ids).toEqual(['j1', 'j2', 'j3']);
    expect(opened).toEqual([null, { kind: 'change-stream', token: '02' }]);
    expect(readers[0]!.closed).toBe(true);
    expect(reports).toEqual([
      'job events: reading the change stream failed; reopening it after the last event read: connection dropped',
    ]);
    expect(stream.position).toBe('c.03');
    await stream.close();
  });

  it('hands out only the events asked for', async () => {
    const started: PositionedEvent = {
      event: {
        ...positioned(2).event,
        event: 'started',
        serverId: 's',
      } as PositionedEvent['event'],
      position: { kind: 'change-stream', token: '02' },
    };
    const { source } = fakeSource([[[positioned(1), started], [positioned(3)]]]);
    const { stream } = await open(source, { events: ['enqueued'] });
    expect((await stream.next()).value?.jobId).toBe('j1');
    expect(stream.position).toBe('c.01');
    expect((await stream.next()).value?.jobId).toBe('j3');
    await stream.close();
  });

  it('rejects the iteration with JobEventsLostError, naming its position, and closes', async () => {
    const { source, readers } = fakeSource([
      [[positioned(1)], new JobEventsLostError('history lost', null)],
    ]);
    const { stream } = await open(source);
    await stream.next();
    const error = await stream.next().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobEventsLostError);
    expect(error).toMatchObject({ position: 'c.01' });
    expect(readers[0]!.closed).toBe(true);
    expect(await stream.next()).toEqual({ done: true, value: undefined });
  });

  it('ends a pending read when closed, and leaving a for-await loop closes it', async () => {
    const { source, readers } = fakeSource([[[positioned(1)]]]);
    const { stream } = await open(source);
    for await (const event of stream) {
      expect(event.jobId).toBe('j1');
      break;
    }
    expect(readers[0]!.closed).toBe(true);
    const again = fakeSource([[]]);
    const { stream: idle } = await open(again.source);
    const pending = idle.next();
    await idle.close();
    expect(await pending).toEqual({ done: true, value: undefined });
  });
});
