import type { JobErrorInfo } from '../storage/job-record';

const MAX_MESSAGE = 4_000;
const MAX_STACK = 16_000;

/** What is stored of anything a handler threw (non-Errors included), bounded in size. */
export function toErrorInfo(thrown: unknown): JobErrorInfo {
  if (thrown instanceof Error) {
    return {
      name: String(thrown.name || 'Error').slice(0, 200),
      message: String(thrown.message).slice(0, MAX_MESSAGE),
      ...(thrown.stack ? { stack: String(thrown.stack).slice(0, MAX_STACK) } : {}),
    };
  }
  return {
    name: 'NonErrorThrown',
    message: `the handler threw a non-Error value: ${describeThrown(thrown)}`.slice(0, MAX_MESSAGE),
  };
}

function describeThrown(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null || typeof value !== 'object') return String(value);
  try {
    return JSON.stringify(value) ?? Object.prototype.toString.call(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
