import { BATCH_STATES } from '../../../src/batches/batch-verbs';
import { API_BATCH_STATES } from '../../../src/dashboard';
import { continuationInBodyTerms, inBodyTerms } from '../../../src/dashboard/api/batch-request';
import { InvalidOptionsError } from '../../../src/errors';

describe('batches over REST', () => {
  it("lists the scheduler's batch states, in their order", () => {
    expect(API_BATCH_STATES).toEqual(BATCH_STATES);
  });

  it("names the parts of a batch as the body names them, not from the scheduler's root", () => {
    const renamed = (message: string, option: string) =>
      inBodyTerms(new InvalidOptionsError(message, { option })) as InvalidOptionsError;
    expect(
      renamed('spec.jobs[2].options: queue must match ...', 'spec.jobs[2].options.queue'),
    ).toMatchObject({
      message: 'jobs[2].options: queue must match ...',
      option: 'jobs[2].options.queue',
    });
    expect(renamed('spec holds no job and no batch: give it one', 'spec.jobs')).toMatchObject({
      message: 'the batch holds no job and no batch: give it one',
      option: 'jobs',
    });
    const root = renamed('spec must be a plain object', 'spec');
    expect(root.message).toBe('the batch must be a plain object');
    expect(root.option).toBeUndefined();
    // Errors of other names, and other errors, pass as they are.
    const other = new InvalidOptionsError('specimen is wrong', { option: 'specimen' });
    expect(inBodyTerms(other)).toBe(other);
    const plain = new Error('spec.jobs');
    expect(inBodyTerms(plain)).toBe(plain);
  });

  it("names a continuation's options under `options`, and only those", () => {
    const queue = continuationInBodyTerms(
      new InvalidOptionsError('queue must match ...', { option: 'queue' }),
    );
    expect(queue).toMatchObject({
      message: 'options: queue must match ...',
      option: 'options.queue',
    });
    const on = new InvalidOptionsError('on must be one of ...', { option: 'on' });
    expect(continuationInBodyTerms(on)).toBe(on);
  });
});
