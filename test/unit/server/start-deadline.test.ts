import { JobExpiredError } from '../../../src';
import { startDeadlinePassed } from '../../../src/server/start-deadline';

const dueAt = new Date(Date.UTC(2030, 0, 1, 12, 0, 0));
const at = (msAfterDue: number) => new Date(dueAt.getTime() + msAfterDue);
const details = { jobId: 'j1', jobType: 'mail.send', queue: 'default', attempt: 1 };

describe('startDeadlinePassed', () => {
  it('lets a job start up to exactly its startWithinMs after its due time', () => {
    const job = { dueAt, startWithinMs: 5_000 };
    expect(startDeadlinePassed(job, { startWithinMs: undefined }, at(-1_000), details)).toBeNull();
    expect(startDeadlinePassed(job, { startWithinMs: undefined }, at(5_000), details)).toBeNull();
    const expired = startDeadlinePassed(job, { startWithinMs: undefined }, at(5_001), details);
    expect(expired).toBeInstanceOf(JobExpiredError);
    expect(expired).toMatchObject({
      startWithinMs: 5_000,
      dueAt,
      claimedAt: at(5_001),
      jobId: 'j1',
      code: 'JOB_EXPIRED',
    });
    expect(expired?.message).toBe(
      'Job j1 (mail.send) expired: not started within 5000 ms of its due time ' +
        '2030-01-01T12:00:00.000Z (taken 5001 ms after it); its handler did not run',
    );
  });

  it("takes the handler's limit when the job has none, and the job's over the handler's", () => {
    expect(
      startDeadlinePassed({ dueAt }, { startWithinMs: 1_000 }, at(1_001), details),
    ).toMatchObject({ startWithinMs: 1_000 });
    expect(
      startDeadlinePassed(
        { dueAt, startWithinMs: 60_000 },
        { startWithinMs: 1_000 },
        at(1_001),
        details,
      ),
    ).toBeNull();
    expect(
      startDeadlinePassed({ dueAt, startWithinMs: 10 }, { startWithinMs: 60_000 }, at(11), details),
    ).toMatchObject({ startWithinMs: 10 });
  });

  it('never expires a job when neither the job nor its handler sets a limit', () => {
    expect(
      startDeadlinePassed({ dueAt }, { startWithinMs: undefined }, at(365 * 86_400_000), details),
    ).toBeNull();
  });
});
