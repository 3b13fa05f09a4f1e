import { NonRetryableError, SnoozeLimitError } from '../../../src/errors';
import { resolveJobHandlerOptions } from '../../../src/handlers';
import { decideFailure } from '../../../src/server/failure-policy';

/** An error as it comes back from an isolated handler: a plain Error with the class's code. */
function crossed(name: string, code: string): Error {
  return Object.assign(new Error(`a ${name}`), { name, code });
}

describe('failure policy: errors that are never retried', () => {
  const policy = resolveJobHandlerOptions({ retries: 5 });
  const decide = (error: unknown) =>
    decideFailure(
      { error, attempt: 1, maxAttempts: 6 },
      policy,
      () => undefined,
      () => 0.5,
    );

  it('retries an ordinary error while attempts are left', () => {
    expect(decide(new Error('flaky'))).toMatchObject({ retry: true });
  });

  it.each([
    ['NonRetryableError', new NonRetryableError('bad input')],
    ['a NonRetryableError from an isolated handler', crossed('NonRetryableError', 'NON_RETRYABLE')],
  ])('does not retry %s', (_what, error) => {
    expect(decide(error)).toMatchObject({
      retry: false,
      why: expect.stringContaining('non-retryable'),
    });
  });

  it.each([
    ['SnoozeLimitError', new SnoozeLimitError(3)],
    ['a SnoozeLimitError from an isolated handler', crossed('SnoozeLimitError', 'SNOOZE_LIMIT')],
  ])('does not retry %s: another attempt would meet the same limit', (_what, error) => {
    expect(decide(error)).toEqual({
      retry: false,
      then: 'fail',
      why: 'not retried: the job snoozed its maxSnoozes times',
    });
  });
});
