import {
  MongoBulkWriteError,
  MongoClientBulkWriteError,
  MongoError,
  MongoServerError,
  type Document,
} from 'mongodb';
import { describeValue } from './bson-values';
import { match, type MatchOptions } from './match';
import { bulkWriteResult, clientBulkWriteResult } from './result-documents';
import { SpecRunnerError } from './spec-runner.error';
import type { ExpectedError } from './unified-test-file';

/** The assertions of `expectError` this runner checks: all those of the format. */
const ASSERTIONS = new Set([
  'isError',
  'isClientError',
  'isTimeoutError',
  'errorContains',
  'errorCode',
  'errorCodeName',
  'errorLabelsContain',
  'errorLabelsOmit',
  'writeErrors',
  'writeConcernErrors',
  'errorResponse',
  'expectResult',
]);

/** One server error an exception carries: its own, or one a bulk write gathered. */
interface ServerErrorPart {
  readonly code?: unknown;
  readonly codeName?: unknown;
  readonly errmsg?: unknown;
}

/**
 * Checks an operation's error against `expectError`. Returns `undefined` when every
 * assertion holds, otherwise the first that does not. An unknown assertion is an error of
 * the test (it would otherwise pass unchecked).
 */
export function checkError(
  expected: ExpectedError,
  error: unknown,
  matchOptions: Pick<MatchOptions, 'entity' | 'sessionLsid'>,
): string | undefined {
  const unknown = Object.keys(expected).filter((key) => !ASSERTIONS.has(key));
  if (unknown.length > 0) {
    throw new SpecRunnerError(`expectError: unknown assertion(s) ${unknown.join(', ')}`);
  }
  const serverError = error instanceof MongoServerError ? error : undefined;
  if (expected.isClientError !== undefined) {
    // Client errors: validation before sending, network errors, anything not derived from
    // a server reply.
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
  const parts = serverErrorParts(error);
  if (expected.errorContains !== undefined) {
    const haystack = [error instanceof Error ? error.message : String(error)]
      .concat(parts.map((part) => String(part.errmsg ?? '')))
      .map((text) => text.toLowerCase());
    const needle = expected.errorContains.toLowerCase();
    if (!haystack.some((text) => text.includes(needle))) {
      return `expected an error containing "${expected.errorContains}", got ${describeError(error)}`;
    }
  }
  if (expected.errorCode !== undefined) {
    if (!parts.some((part) => part.code === expected.errorCode)) {
      return `expected error code ${expected.errorCode}, got ${describeError(error)}`;
    }
  }
  if (expected.errorCodeName !== undefined) {
    const wanted = expected.errorCodeName.toLowerCase();
    if (!parts.some((part) => String(part.codeName ?? '').toLowerCase() === wanted)) {
      return `expected error code name ${expected.errorCodeName}, got ${describeError(error)}`;
    }
  }
  for (const label of expected.errorLabelsContain ?? []) {
    if (!hasLabel(error, label))
      return `expected error label ${label}, got ${describeError(error)} ${labelsOf(error)}`;
  }
  for (const label of expected.errorLabelsOmit ?? []) {
    if (hasLabel(error, label))
      return `expected no error label ${label}, got ${describeError(error)} ${labelsOf(error)}`;
  }
  if (expected.writeErrors !== undefined) {
    const failure = checkClientBulkWriteErrors(expected.writeErrors, error, matchOptions);
    if (failure) return failure;
  }
  if (expected.writeConcernErrors !== undefined) {
    const actual =
      error instanceof MongoClientBulkWriteError ? error.writeConcernErrors : undefined;
    if (actual === undefined)
      return `expected a client bulk write error with writeConcernErrors, got ${describeError(error)}`;
    const failure = match(expected.writeConcernErrors, actual, {
      ...matchOptions,
      root: 'documents',
      path: 'writeConcernErrors',
    });
    if (failure) return failure;
  }
  if (expected.errorResponse !== undefined) {
    const failure = match(expected.errorResponse, serverError?.errorResponse, {
      ...matchOptions,
      path: 'errorResponse',
    });
    if (failure) return failure;
  }
  if ('expectResult' in expected) {
    const result = partialResult(error);
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

/**
 * The server errors an exception carries, for `errorContains`, `errorCode` and
 * `errorCodeName`: its own, the reply it came from and, for a bulk write, the write errors
 * and write concern error it gathered (the format asks to consider any of them).
 */
function serverErrorParts(error: unknown): ServerErrorPart[] {
  if (!(error instanceof MongoServerError)) return [];
  const parts: ServerErrorPart[] = [
    { code: error.code, codeName: error.codeName, errmsg: error.errmsg },
  ];
  if (error.errorResponse) parts.push(error.errorResponse);
  parts.push(...writeErrors(error));
  if (error instanceof MongoBulkWriteError) {
    const concernError = error.result?.getWriteConcernError()?.toJSON();
    if (concernError) parts.push(concernError);
  }
  return parts;
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

/**
 * `writeErrors` of a client bulk write: one expected write error per failed index, each
 * matched as a root-level document, and no other.
 */
function checkClientBulkWriteErrors(
  expected: Document,
  error: unknown,
  matchOptions: Pick<MatchOptions, 'entity' | 'sessionLsid'>,
): string | undefined {
  if (!(error instanceof MongoClientBulkWriteError))
    return `expected a client bulk write error with writeErrors, got ${describeError(error)}`;
  const actual: Document = {};
  for (const [index, writeError] of error.writeErrors) actual[String(index)] = { ...writeError };
  const expectedIndexes = Object.keys(expected).sort();
  const actualIndexes = Object.keys(actual).sort();
  if (expectedIndexes.join() !== actualIndexes.join()) {
    return `writeErrors: expected indexes ${expectedIndexes.join(', ') || 'none'}, got ${describeValue(actual)}`;
  }
  for (const index of expectedIndexes) {
    const failure = match(expected[index], actual[index], {
      ...matchOptions,
      path: `writeErrors.${index}`,
    });
    if (failure) return failure;
  }
  return undefined;
}

/** The result a bulk write error carries with it, in the format's shape. */
function partialResult(error: unknown): Document | undefined {
  if (error instanceof MongoBulkWriteError) return bulkWriteResult(error.result);
  if (error instanceof MongoClientBulkWriteError && error.partialResult)
    return clientBulkWriteResult(error.partialResult);
  return undefined;
}

function hasLabel(error: unknown, label: string): boolean {
  return error instanceof MongoError && error.hasErrorLabel(label);
}

function labelsOf(error: unknown): string {
  return error instanceof MongoError ? `(labels: ${error.errorLabels.join(', ') || 'none'})` : '';
}
