import type { Document } from 'bson';
import { CommandFailure } from '../command-types';
import { isNumeric, isPlainDocument, numericValue } from './bson-value';
import { isArray } from './intrinsics';
import { setOwnField } from './own-fields';

/*
 * `$$NOW` as mongod defines it: one value for a whole operation, so that an update's filter
 * and its pipeline, and every document a multi-document update touches, see the same instant.
 * mingo reads the clock afresh for each document it evaluates, so the stand-in binds `$$NOW`
 * to the command's time (a `$literal`) in filters' `$expr` and in update pipelines before
 * handing them to mingo. (An aggregation keeps one value per mingo run on its own.)
 * Commands run synchronously, so one module-level value serves the command being run.
 */

let commandTime: Date | undefined;

/*
 * `maxTimeMS`: the command's deadline, checked by the loops that can run long (every
 * document a filter tests, every document a pipeline stage reads) through
 * {@link checkDeadline}. The clock is read once per DEADLINE_STRIDE checks, so the check
 * costs next to nothing per document.
 */
let deadline = Number.POSITIVE_INFINITY;
let checksUntilClock = 0;
const DEADLINE_STRIDE = 64;
const MAX_TIME_MS_LIMIT = 2_147_483_647;

/**
 * Runs one command with one `$$NOW` and, when `maxTimeMS` is a positive number, a deadline.
 * @throws CommandFailure 2 (BadValue) for a `maxTimeMS` that is not an integer in range.
 */
export function atCommandTime<T>(run: () => T, maxTimeMS?: unknown): T {
  const outer = { commandTime, deadline, checksUntilClock };
  commandTime = new Date();
  const limit = maxTimeMsOf(maxTimeMS);
  deadline = limit > 0 ? commandTime.getTime() + limit : Number.POSITIVE_INFINITY;
  checksUntilClock = 0;
  try {
    return run();
  } finally {
    ({ commandTime, deadline, checksUntilClock } = outer);
  }
}

/** Fails the command with 50 MaxTimeMSExpired once its `maxTimeMS` has passed. */
export function checkDeadline(): void {
  if (deadline === Number.POSITIVE_INFINITY) return;
  if (checksUntilClock > 0) {
    checksUntilClock -= 1;
    return;
  }
  checksUntilClock = DEADLINE_STRIDE;
  if (Date.now() >= deadline) {
    throw new CommandFailure(50, 'MaxTimeMSExpired', 'operation exceeded time limit');
  }
}

function maxTimeMsOf(value: unknown): number {
  if (value === undefined || value === null) return 0;
  const limit = isNumeric(value) ? Number(numericValue(value)) : Number.NaN;
  if (!Number.isInteger(limit) || limit < 0 || limit > MAX_TIME_MS_LIMIT) {
    throw new CommandFailure(
      2,
      'BadValue',
      `${String(value)} value for maxTimeMS is out of range [0, ${MAX_TIME_MS_LIMIT}]`,
    );
  }
  return limit;
}

/*
 * A command's `let` variables, evaluated (see let-variables.ts): what `$$name` reads in the
 * command's filters, update pipelines and aggregation stages.
 */
let variables: Readonly<Document> | undefined;

/** Runs `run` with `values` as the command's `let` variables. */
export function withCommandVariables<T>(values: Readonly<Document>, run: () => T): T {
  const outer = variables;
  variables = values;
  try {
    return run();
  } finally {
    variables = outer;
  }
}

/** The `let` variables of the command being run, or `undefined` when it has none. */
export function commandVariables(): Readonly<Document> | undefined {
  return variables;
}

/** `$$NOW` of the command being run (the current time outside a command). */
export function commandNow(): Date {
  return commandTime ?? new Date();
}

/** An aggregation expression with `$$NOW` bound to `now`; `$literal` contents stay as they are. */
export function bindNow(expression: unknown, now: Date): unknown {
  if (expression === '$$NOW') return { $literal: now };
  if (isArray(expression)) return expression.map((item) => bindNow(item, now));
  if (!isPlainDocument(expression) || '$literal' in expression) return expression;
  const bound: Document = {};
  for (const key of Object.keys(expression)) setOwnField(bound, key, bindNow(expression[key], now));
  return bound;
}

/**
 * A query filter with `$$NOW` bound inside its `$expr` clauses (at the top, or under `$and`,
 * `$or`, `$nor`): elsewhere in a query, `'$$NOW'` is a plain string.
 */
export function bindNowInFilter(filter: Document, now: Date): Document {
  const bound: Document = {};
  for (const key of Object.keys(filter)) {
    const value: unknown = filter[key];
    if (key === '$expr') {
      bound[key] = bindNow(value, now);
    } else if ((key === '$and' || key === '$or' || key === '$nor') && isArray(value)) {
      bound[key] = value.map((clause) =>
        isPlainDocument(clause) ? bindNowInFilter(clause, now) : clause,
      );
    } else {
      setOwnField(bound, key, value);
    }
  }
  return bound;
}
