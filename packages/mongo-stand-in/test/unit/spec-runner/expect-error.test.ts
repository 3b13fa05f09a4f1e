import {
  MongoBulkWriteError,
  MongoClientBulkWriteError,
  MongoNetworkError,
  MongoServerError,
  type BulkWriteResult,
} from 'mongodb';
import { checkError } from '../../spec-runner/expect-error';
import { SpecRunnerError } from '../../spec-runner/spec-runner.error';
import type { ExpectedError } from '../../spec-runner/unified-test-file';

const options = { entity: () => undefined };
const check = (expected: ExpectedError, error: unknown) => checkError(expected, error, options);

const notWritablePrimary = new MongoServerError({
  ok: 0,
  code: 10107,
  codeName: 'NotWritablePrimary',
  errmsg: 'not primary',
  errorLabels: ['RetryableWriteError'],
});

describe('checkError', () => {
  it('tells client errors from server errors', () => {
    expect(check({ isClientError: false }, notWritablePrimary)).toBeUndefined();
    expect(check({ isClientError: true }, new MongoNetworkError('closed'))).toBeUndefined();
    expect(check({ isClientError: true }, notWritablePrimary)).toMatch(/expected a client error/);
  });

  it('checks code, code name (case-insensitively) and message', () => {
    expect(
      check(
        { errorCode: 10107, errorCodeName: 'notwritableprimary', errorContains: 'NOT PRIMARY' },
        notWritablePrimary,
      ),
    ).toBeUndefined();
    expect(check({ errorCodeName: 'WriteConflict' }, notWritablePrimary)).toMatch(
      /expected error code name WriteConflict/,
    );
  });

  it('checks the labels the error must have and must not have', () => {
    expect(
      check(
        {
          errorLabelsContain: ['RetryableWriteError'],
          errorLabelsOmit: ['TransientTransactionError'],
        },
        notWritablePrimary,
      ),
    ).toBeUndefined();
    expect(
      check({ errorLabelsContain: ['TransientTransactionError'] }, notWritablePrimary),
    ).toMatch(/expected error label TransientTransactionError.*labels: RetryableWriteError/);
    expect(check({ errorLabelsOmit: ['RetryableWriteError'] }, notWritablePrimary)).toMatch(
      /expected no error label RetryableWriteError/,
    );
  });

  it("finds a bulk write's write concern error by code and code name", () => {
    const concernError = {
      code: 64,
      codeName: 'WriteConcernFailed',
      errmsg: 'waiting for replication timed out',
    };
    const result = {
      getWriteConcernError: () => ({ toJSON: () => concernError }),
    } as unknown as BulkWriteResult;
    const error = new MongoBulkWriteError(
      { message: 'bulk failed', code: 1, writeErrors: [] },
      result,
    );
    expect(
      check(
        {
          errorCode: 64,
          errorCodeName: 'WriteConcernFailed',
          errorContains: 'replication timed out',
        },
        error,
      ),
    ).toBeUndefined();
  });

  it("matches a client bulk write's write errors by index, and refuses extra ones", () => {
    const error = new MongoClientBulkWriteError({ message: 'bulk failed' });
    error.writeErrors.set(1, { code: 11000, message: 'dup' });
    expect(check({ writeErrors: { '1': { code: 11000 } } }, error)).toBeUndefined();
    expect(check({ writeErrors: {} }, error)).toMatch(/expected indexes none/);
    expect(check({ writeErrors: { '1': { code: 2 } } }, error)).toMatch(/writeErrors.1.code/);
    error.writeConcernErrors.push({ code: 64, message: 'wc' });
    expect(check({ writeConcernErrors: [{ code: 64 }] }, error)).toBeUndefined();
  });

  it('matches errorResponse as a root-level document', () => {
    expect(
      check({ errorResponse: { code: 10107, codeName: 'NotWritablePrimary' } }, notWritablePrimary),
    ).toBeUndefined();
  });

  it('refuses an assertion it does not know', () => {
    expect(() => check({ errorCodes: [1] } as ExpectedError, notWritablePrimary)).toThrow(
      SpecRunnerError,
    );
  });
});
