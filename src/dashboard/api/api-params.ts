import { InvalidOptionsError } from '../../errors';
import { checkQueueName, checkString } from '../../options/option-checks';
import { DEFAULT_PAGE_SIZE } from '../dashboard-options';
import { badRequest } from '../http/http-problem';
import type { ApiContext } from './api-route';

/*
 * Input checks of the routes. A failure is an InvalidOptionsError naming the parameter, which
 * the handler answers as 400 `INVALID_INPUT` with `details.field`.
 */

const ID_PATTERN = /^\P{Cc}+$/u;

/** An id named `name`: 1..500 characters, no control characters. */
export function checkId(name: string, value: unknown): string {
  return checkString(name, value, {
    maxLength: 500,
    pattern: ID_PATTERN,
    patternDescription: 'without control characters',
  });
}

/** A path parameter that is an id (see {@link checkId}). */
export function idParam(context: ApiContext, name: string): string {
  return checkId(name, context.params[name]);
}

/** A queue name path parameter. */
export function queueParam(context: ApiContext, name: string): string {
  return checkQueueName(name, context.params[name]);
}

/** A query parameter given at most once; null when absent. */
export function queryValue(context: ApiContext, name: string): string | null {
  const values = context.query.getAll(name);
  if (values.length > 1) {
    throw badRequest('INVALID_INPUT', `${name} may be given once, got ${values.length} values`, {
      field: name,
    });
  }
  return values.length === 0 ? null : values[0];
}

/** `limit`: an integer 1..maxPageSize, 20 when absent. */
export function limitQuery(context: ApiContext): number {
  const value = queryValue(context, 'limit');
  if (value === null) return Math.min(DEFAULT_PAGE_SIZE, context.options.maxPageSize);
  const limit = /^\d{1,7}$/.test(value) ? Number(value) : NaN;
  if (!(limit >= 1 && limit <= context.options.maxPageSize)) {
    throw new InvalidOptionsError(
      `limit must be an integer between 1 and ${context.options.maxPageSize} (maxPageSize), got ${JSON.stringify(value)}`,
      { option: 'limit' },
    );
  }
  return limit;
}

/** `timeoutMs` of a wait: an integer ≥ 0 (the route caps it at `maxWaitMs`); null when absent. */
export function waitQuery(context: ApiContext): number | null {
  const value = queryValue(context, 'timeoutMs');
  if (value === null) return null;
  if (!/^\d{1,10}$/.test(value)) {
    throw new InvalidOptionsError(
      `timeoutMs must be an integer ≥ 0 (milliseconds; at most maxWaitMs are waited, ${context.options.maxWaitMs}), got ${JSON.stringify(value.slice(0, 40))}`,
      { option: 'timeoutMs' },
    );
  }
  return Number(value);
}

/**
 * Refuses query parameters a route does not know (typos would silently widen a list). An
 * allowed name ending in `.*` allows every longer name with its prefix.
 */
export function checkQueryNames(context: ApiContext, allowed: readonly string[]): void {
  const prefixes = allowed.filter((name) => name.endsWith('.*')).map((name) => name.slice(0, -1));
  for (const name of new Set(context.query.keys())) {
    const known =
      allowed.includes(name) ||
      prefixes.some((prefix) => name.startsWith(prefix) && name.length > prefix.length);
    if (!known) {
      throw badRequest(
        'UNKNOWN_PARAMETER',
        `Unknown query parameter '${name}'; allowed: ${allowed.length === 0 ? 'none' : allowed.join(', ')}`,
        { field: name },
      );
    }
  }
}

/** Refuses body fields a route does not know. */
export function checkBodyFields(context: ApiContext, allowed: readonly string[]): void {
  checkFields(context.body, '', allowed);
}

/**
 * Refuses fields of an object of the body that its place does not allow; `at` is where it
 * sits (`jobs[2].`), prefixed to the field named in the error.
 */
export function checkFields(
  value: Readonly<Record<string, unknown>>,
  at: string,
  allowed: readonly string[],
): void {
  for (const name of Object.keys(value)) {
    if (!allowed.includes(name)) {
      throw badRequest(
        'UNKNOWN_FIELD',
        `Unknown body field '${at}${name}'; allowed: ${allowed.length === 0 ? 'none' : allowed.join(', ')}`,
        { field: `${at}${name}` },
      );
    }
  }
}
