import { InvalidOptionsError } from '../errors';
import { describeValue } from '../options/option-checks';
import type { JobEventPosition } from '../storage/job-stream-event';

const CHANGE_STREAM = /^c\.([0-9A-Fa-f]{2,2000})$/;
const CLUSTER_TIME = /^t\.(\d{1,10})\.(\d{1,10})$/;
const HISTORY = /^h\.(\d{1,15})\.(\d{1,4})\.(.{0,500})$/s;

/**
 * The text of a position: `c.<resume token>`, `t.<seconds>.<increment>` (a cluster time) or
 * `h.<ms>.<entry index>.<job id>`; {@link parsePosition} reads it back.
 */
export function formatPosition(position: JobEventPosition): string {
  if (position.kind === 'change-stream') return `c.${position.token}`;
  if (position.kind === 'change-stream-time') return `t.${position.seconds}.${position.increment}`;
  return `h.${position.atMs}.${position.index}.${position.jobId}`;
}

/**
 * Reads a position a stream gave (`JobStreamEvent.position`).
 * @throws InvalidOptionsError - naming `name`, for anything a stream did not give.
 */
export function parsePosition(name: string, value: unknown): JobEventPosition {
  if (typeof value === 'string') {
    const token = CHANGE_STREAM.exec(value);
    if (token) return { kind: 'change-stream', token: token[1]! };
    const time = CLUSTER_TIME.exec(value);
    if (time) {
      return { kind: 'change-stream-time', seconds: Number(time[1]), increment: Number(time[2]) };
    }
    const entry = HISTORY.exec(value);
    if (entry) {
      return {
        kind: 'history',
        atMs: Number(entry[1]),
        index: Number(entry[2]),
        jobId: entry[3]!,
      };
    }
  }
  throw new InvalidOptionsError(
    `${name} must be the position of an event a job event stream delivered, got ${describeValue(value)}`,
    { option: name },
  );
}
