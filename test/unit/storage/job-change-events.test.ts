/**
 * Which job event a change of the jobs collection means, for the shapes MongoDB gives them:
 * a modifier update reports a set subdocument whole, a pipeline update's diff may report it
 * by dotted paths (or, when the diff outgrows the document, as a replacement), and a field
 * set to the value it had is not reported at all.
 */
import type { Document } from 'mongodb';
import { eventOfChange, jobEventPipeline } from '../../../src/storage/mongo/job-change-events';
import { JOB_STREAM_EVENT_NAMES } from '../../../src/storage/job-stream-event';

const wallTime = new Date('2026-01-01T00:00:00Z');
const looked = {
  type: 'email.send',
  queue: 'mail',
  state: 'succeeded',
  attempt: 2,
  dueAt: new Date('2026-01-01T00:01:00Z'),
  leaseOwner: null,
  error: { name: 'Error', message: 'smtp down' },
};

function update(updatedFields: Document, fullDocument: Document | null = looked): Document {
  return {
    operationType: 'update',
    documentKey: { _id: 'j1' },
    wallTime,
    changed: Object.keys(updatedFields),
    fullDocument,
    updateDescription: { updatedFields },
  };
}

describe('eventOfChange', () => {
  it('takes a failed attempt’s error from the looked-up job when the update left it unchanged', () => {
    const event = eventOfChange(
      update({ state: 'scheduled', recordedFence: 2, durationMs: 5, dueAt: looked.dueAt }),
    );
    expect(event).toEqual({
      jobId: 'j1',
      jobType: 'email.send',
      queue: 'mail',
      at: wallTime,
      attempt: 2,
      event: 'retried',
      error: { name: 'Error', message: 'smtp down' },
      nextAttemptAt: looked.dueAt,
    });
  });

  it('prefers what the update wrote to the looked-up job, which may be later', () => {
    const event = eventOfChange(
      update({ state: 'failed', recordedFence: 3, error: { name: 'TypeError', message: 'no' } }),
    );
    expect(event).toMatchObject({ event: 'failed', error: { name: 'TypeError', message: 'no' } });
  });

  it('gives an outcome the attempt its claim started, though the job was claimed again since', () => {
    const attempts = new Map<string, number>();
    eventOfChange(update({ state: 'processing', attempt: 1, leaseOwner: 's' }), attempts);
    // Read after the next claim: the looked-up job is at attempt 2 already.
    const retried = eventOfChange(
      update({ state: 'scheduled', recordedFence: 1 }, { ...looked, attempt: 2 }),
      attempts,
    );
    expect(retried).toMatchObject({ event: 'retried', attempt: 1 });
    eventOfChange(update({ state: 'processing', attempt: 2, leaseOwner: 's' }), attempts);
    expect(
      eventOfChange(
        update({ state: 'succeeded', recordedFence: 2 }, { ...looked, attempt: 3 }),
        attempts,
      ),
    ).toMatchObject({ event: 'succeeded', attempt: 2 });
    expect(attempts.size).toBe(0);
  });

  it('tells a snooze from a retry, and gives the snoozed attempt its number', () => {
    const event = eventOfChange(
      update({ state: 'scheduled', recordedFence: 2, snoozeCount: 1, attempt: 1 }),
    );
    expect(event).toMatchObject({ event: 'snoozed', attempt: 2, until: looked.dueAt });
  });

  it('tells a release to scheduled (no outcome) from a retry', () => {
    expect(eventOfChange(update({ state: 'scheduled', dueAt: looked.dueAt }))).toMatchObject({
      event: 'scheduled',
      dueAt: looked.dueAt,
    });
  });

  it('reads a claim’s attempt and server from the update', () => {
    expect(
      eventOfChange(update({ state: 'processing', attempt: 3, leaseOwner: 'server-a' })),
    ).toMatchObject({ event: 'started', attempt: 3, serverId: 'server-a' });
  });

  it('reads progress changed by dotted paths from the looked-up job', () => {
    const change = update({});
    change.changed = ['progress.percent', 'progress.at'];
    const event = eventOfChange({
      ...change,
      fullDocument: { ...looked, progress: { percent: 40, message: 'rows' } },
    });
    expect(event).toMatchObject({ event: 'progress', percent: 40, message: 'rows' });
  });

  it('reads a replacement (a pipeline update logged whole) from its document', () => {
    const event = eventOfChange({
      operationType: 'replace',
      documentKey: { _id: 'j1' },
      wallTime,
      changed: [],
      hasResult: true,
      fullDocument: { ...looked, state: 'succeeded' },
    });
    expect(event).toMatchObject({ event: 'succeeded', attempt: 2, hasResult: true });
  });

  it('skips a change whose job was removed before the stream read it', () => {
    expect(eventOfChange(update({ state: 'deleted' }, null))).toBeNull();
  });
});

describe('jobEventPipeline', () => {
  it('matches only the states of the wanted events (and claims, for their attempts), and progress only when wanted', () => {
    const [kinds, scope] = jobEventPipeline({
      queues: ['mail'],
      types: null,
      events: new Set(['failed', 'succeeded'] as const),
    });
    // The first stage refers to nothing looked up: MongoDB can apply it before the lookup.
    expect(kinds).toEqual({
      $match: {
        $or: [
          {
            operationType: { $in: ['insert', 'replace'] },
            'fullDocument.state': { $in: ['processing', 'succeeded', 'failed'] },
          },
          {
            operationType: 'update',
            'updateDescription.updatedFields.state': { $in: ['processing', 'succeeded', 'failed'] },
          },
        ],
      },
    });
    expect(scope).toEqual({ $match: { $and: [{ 'fullDocument.queue': { $in: ['mail'] } }] } });
    const [all] = jobEventPipeline({
      queues: null,
      types: null,
      events: new Set(JOB_STREAM_EVENT_NAMES),
    });
    expect(JSON.stringify(all)).toContain('"progress."');
  });
});
