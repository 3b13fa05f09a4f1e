import { ReadPreference } from 'mongodb';
import { toSessionOptions, toTransactionOptions } from '../../spec-runner/session-options';
import { SpecRunnerError } from '../../spec-runner/spec-runner.error';

describe('session options', () => {
  it('passes causalConsistency and snapshot on, keeping transaction defaults nested', () => {
    const options = toSessionOptions(
      {
        causalConsistency: false,
        defaultTransactionOptions: {
          readConcern: { level: 'majority' },
          writeConcern: { w: 1, journal: true },
          readPreference: { mode: 'primary' },
          maxCommitTimeMS: 60,
        },
      },
      'session0',
    );
    expect(options.causalConsistency).toBe(false);
    expect(options.defaultTransactionOptions).toMatchObject({
      readConcern: { level: 'majority' },
      writeConcern: { w: 1, journal: true },
      maxCommitTimeMS: 60,
    });
    expect(options.defaultTransactionOptions?.readPreference).toBeInstanceOf(ReadPreference);
    expect(toSessionOptions({ snapshot: true }, 's')).toEqual({ snapshot: true });
    expect(toSessionOptions(undefined, 's')).toEqual({});
  });

  it('refuses options it does not know, naming the session', () => {
    expect(() => toSessionOptions({ causalConsistensy: true }, 'session1')).toThrow(
      /session "session1": unsupported session option "causalConsistensy"/,
    );
    expect(() => toTransactionOptions({ sort: {} }, 'startTransaction')).toThrow(SpecRunnerError);
  });
});
