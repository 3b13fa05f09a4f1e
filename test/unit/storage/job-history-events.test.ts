/** The events a standalone's stream reads off a job's history. */
import type { JobHistoryEntry } from '../../../src/storage/job-record';
import { JOB_STREAM_EVENT_NAMES } from '../../../src/storage/job-stream-event';
import { eventsOfJob } from '../../../src/storage/mongo/job-history-events';

const all = { queues: null, types: null, events: new Set(JOB_STREAM_EVENT_NAMES) };
const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));

function job(history: JobHistoryEntry[], attempt: number) {
  return {
    _id: 'j1',
    type: 'email.send',
    queue: 'mail',
    attempt,
    dueAt: at(99),
    error: { name: 'Error', message: 'smtp down' },
    progress: null,
    hasResult: true,
    history,
  };
}

const lines = (history: JobHistoryEntry[], attempt: number) =>
  eventsOfJob(job(history, attempt), all).map(
    ({ event, atMs, index }) =>
      `${event.event} ${event.attempt} @${atMs / 1000 - 1767225600}.${index}`,
  );

describe('eventsOfJob', () => {
  it('counts attempts through retries, snoozes and a requeue of the finished job', () => {
    const history: JobHistoryEntry[] = [
      { state: 'enqueued', at: at(0) },
      { state: 'processing', at: at(1), serverId: 's' },
      { state: 'scheduled', at: at(2), serverId: 's', reason: 'attempt 1 failed: smtp down' },
      { state: 'processing', at: at(3), serverId: 's' },
      { state: 'scheduled', at: at(4), serverId: 's', reason: 'snoozed until 2026-01-01' },
      { state: 'processing', at: at(5), serverId: 's' },
      { state: 'failed', at: at(6), serverId: 's', reason: 'attempt 2 of 2 failed' },
      { state: 'enqueued', at: at(7), reason: 'requeued from failed' },
      { state: 'processing', at: at(8), serverId: 's' },
      { state: 'succeeded', at: at(9), serverId: 's' },
    ];
    expect(lines(history, 1)).toEqual([
      'enqueued 0 @0.0',
      'started 1 @1.0',
      'retried 1 @2.0',
      'started 2 @3.0',
      'snoozed 2 @4.0',
      'started 2 @5.0',
      'failed 2 @6.0',
      'enqueued 0 @7.0',
      'started 1 @8.0',
      'succeeded 1 @9.0',
    ]);
    const events = eventsOfJob(job(history, 1), all).map(({ event }) => event);
    // Only the last failure is the job's stored error; only the last entry has its result.
    expect(events[2]).toMatchObject({ event: 'retried', error: null });
    expect(events[6]).toMatchObject({ event: 'failed', error: { message: 'smtp down' } });
    expect(events[9]).toMatchObject({ event: 'succeeded', hasResult: true });
  });

  it('aligns a history cut short on the job’s attempt, and keeps a job’s order against a skewed clock', () => {
    const history: JobHistoryEntry[] = [
      { state: 'processing', at: at(10), serverId: 's' },
      { state: 'scheduled', at: at(9), serverId: 's', reason: 'attempt 7 failed: x' },
      { state: 'processing', at: at(9), serverId: 's' },
    ];
    expect(lines(history, 8)).toEqual(['started 7 @10.0', 'retried 7 @10.1', 'started 8 @10.2']);
  });

  it('leaves out the events not asked for', () => {
    const history: JobHistoryEntry[] = [
      { state: 'enqueued', at: at(0) },
      { state: 'processing', at: at(1), serverId: 's' },
    ];
    const only = { ...all, events: new Set(['started'] as const) };
    expect(eventsOfJob(job(history, 1), only).map(({ event }) => event.event)).toEqual(['started']);
  });
});
