import type { Document } from 'bson';
import { isPlainDocument } from './bson-value';
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

/** Runs one command with one `$$NOW`. */
export function atCommandTime<T>(run: () => T): T {
  const outer = commandTime;
  commandTime = new Date();
  try {
    return run();
  } finally {
    commandTime = outer;
  }
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
