import { MongoBulkWriteError, MongoError, MongoServerError, type Document } from 'mongodb';
import { match, type MatchOptions } from './match';
import { bulkWriteResult } from './result-documents';
import type { ExpectedError } from './unified-test-file';

/**
 * Checks an operation's error against `expectError`. Returns `undefined` when every
 * assertion holds, otherwise the first that does not.
 */
export function checkError(
  expected: ExpectedError,
  error: unknown,
  matchOptions: Pick<MatchOptions, 'entity' | 'sessionLsid'>,
): string | undefined {
  const message = error instanceof Error ? error.message : String(error);
  const serverError = error instanceof MongoServerError ? error : undefined;
  if (expected.isClientError !== undefined) {
    const isClient = serverError === undefined;
    if (isClient !== expected.isClientError) {
      return `expected a ${expected.isClientError ? 'client' : 'server'} error, got ${describeError(error)}`;
    }
  }
  if (expected.isTimeoutError !== undefined) {
    const isTimeout = error instanceof Error && error.name === 'MongoOperationTimeoutError';
    if (isTimeout !== expected.isTimeoutError)
      return `isTimeoutError: expected ${expected.isTimeoutError}, got ${describeError(error)}`;
  }
  if (expected.errorContains !== undefined) {
    const haystack = [
      message,
      ...writeErrors(error).map((writeError) => String(writeError.errmsg)),
    ];
    const needle = expected.errorContains.toLowerCase();
    if (!haystack.some((text) => text.toLowerCase().includes(needle))) {
      return `expected an error containing "${expected.errorContains}", got ${describeError(error)}`;
    }
  }
  if (expected.errorCode !== undefined) {
    const codes = [serverError?.code, ...writeErrors(error).map((writeError) => writeError.code)];
    if (!codes.includes(expected.errorCode)) {
      return `expected error code ${expected.errorCode}, got ${describeError(error)}`;
    }
  }
  if (expected.errorCodeName !== undefined) {
    const names = [serverError?.codeName, serverError?.errorResponse?.codeName]
      .filter(Boolean)
      .map(String);
    if (!names.some((name) => name.toLowerCase() === expected.errorCodeName?.toLowerCase())) {
      return `expected error code name ${expected.errorCodeName}, got ${describeError(error)}`;
    }
  }
  for (const label of expected.errorLabelsContain ?? []) {
    if (!hasLabel(error, label))
      return `expected error label ${label}, got ${describeError(error)}`;
  }
  for (const label of expected.errorLabelsOmit ?? []) {
    if (hasLabel(error, label))
      return `expected no error label ${label}, got ${describeError(error)}`;
  }
  if (expected.errorResponse !== undefined) {
    const failure = match(expected.errorResponse, serverError?.errorResponse, {
      ...matchOptions,
      path: 'errorResponse',
    });
    if (failure) return failure;
  }
  if ('expectResult' in expected) {
    const result = error instanceof MongoBulkWriteError ? bulkWriteResult(error.result) : undefined;
    if (result === undefined)
      return `expected an error carrying a result, got ${describeError(error)}`;
    const failure = match(expected.expectResult, result, {
      ...matchOptions,
      path: 'expectResult',
    });
    if (failure) return failure;
  }
  return undefined;
}

/** `Name(code): message` of an error, for failure messages. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return `a thrown ${typeof error}: ${String(error)}`;
  const code = error instanceof MongoError && error.code !== undefined ? `(${error.code})` : '';
  const errors = writeErrors(error);
  const detail =
    errors.length > 0
      ? ` [writeErrors: ${errors.map((e) => `${e.index}:${e.code}`).join(', ')}]`
      : '';
  return `${error.name}${code}: ${error.message}${detail}`;
}

function writeErrors(error: unknown): Document[] {
  if (!(error instanceof MongoBulkWriteError)) return [];
  const errors = error.writeErrors;
  return (Array.isArray(errors) ? errors : [errors]).map((writeError) => ({
    index: writeError.index,
    code: writeError.code,
    errmsg: writeError.errmsg,
  }));
}

function hasLabel(error: unknown, label: string): boolean {
  return error instanceof MongoError && error.hasErrorLabel(label);
}
