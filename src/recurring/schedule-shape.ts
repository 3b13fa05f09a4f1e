import { latestOccurrence, nextOccurrence } from './cron-schedule';

/**
 * An interval schedule: an occurrence every `everyMs` milliseconds, counted from the
 * recurring job's `startAt` (or, without one, from when the schedule was set).
 */
export interface RecurringInterval {
  /** Milliseconds between two occurrences: an integer from 1,000 (one second) to 366 days. */
  readonly everyMs: number;
}

/**
 * What `addOrUpdateRecurring` takes as a schedule: a cron expression (5 fields, or 6 with
 * seconds first, or an `@` alias) or an interval.
 */
export type RecurringSchedule = string | RecurringInterval;

/** Shortest interval: the ticker takes occurrences half a second ahead, like a cron's seconds. */
export const MIN_INTERVAL_MS = 1_000;
/** Longest interval: 366 days. */
export const MAX_INTERVAL_MS = 366 * 24 * 3_600_000;

/**
 * Where a definition's occurrences fall: its cron or interval, inside an optional window.
 * Every field is stored with the definition, so every server computes the same instants.
 * The optional fields are absent on definitions stored before they existed.
 */
export interface ScheduleShape {
  /** The cron expression; null (or absent) for an interval schedule. */
  readonly cron: string | null;
  readonly timeZone: string;
  /** Seed of cron-parser's `H` fields (the recurring id). */
  readonly hashSeed: string;
  /** For an interval schedule: the milliseconds between occurrences. */
  readonly everyMs?: number | null;
  /** For an interval schedule: an occurrence; the others are whole intervals from it. */
  readonly anchor?: Date | null;
  /** No occurrence before this instant. */
  readonly startAt?: Date | null;
  /** No occurrence after this instant. */
  readonly endAt?: Date | null;
}

/** The first occurrence strictly after `after`, or null when the window has none left. */
export function nextRun(shape: ScheduleShape, after: Date): Date | null {
  const start = shape.startAt ?? null;
  // Strictly after `after`, and at or after the start.
  const from =
    start !== null && start.getTime() - 1 > after.getTime() ? new Date(start.getTime() - 1) : after;
  const next = shape.everyMs ? nextInterval(shape, from) : nextOccurrence(cronOf(shape), from);
  return shape.endAt && next.getTime() > shape.endAt.getTime() ? null : next;
}

/** The last occurrence at or before `atOrBefore` (inside the window), or null when none. */
export function latestRun(shape: ScheduleShape, atOrBefore: Date): Date | null {
  const end = shape.endAt ?? null;
  const upTo = end !== null && end.getTime() < atOrBefore.getTime() ? end : atOrBefore;
  const latest = shape.everyMs
    ? latestInterval(shape, upTo)
    : latestOccurrence(cronOf(shape), upTo);
  if (latest === null) return null;
  return shape.startAt && latest.getTime() < shape.startAt.getTime() ? null : latest;
}

/** How many occurrences fall in `(after, upTo]`, counting no further than `cap`. */
export function countRuns(shape: ScheduleShape, after: Date, upTo: Date, cap: number): number {
  let count = 0;
  let at: Date | null = after;
  while (count < cap) {
    at = nextRun(shape, at);
    if (at === null || at.getTime() > upTo.getTime()) break;
    count++;
  }
  return count;
}

/**
 * The `n`-th most recent occurrence at or before `atOrBefore` (n = 1: the latest), or the
 * oldest one there is when fewer than `n` exist; null when none does.
 */
export function nthLatestRun(shape: ScheduleShape, atOrBefore: Date, n: number): Date | null {
  let found: Date | null = null;
  let at = atOrBefore;
  for (let i = 0; i < n; i++) {
    const run = latestRun(shape, at);
    if (run === null) break;
    found = run;
    at = new Date(run.getTime() - 1);
  }
  return found;
}

function cronOf(shape: ScheduleShape) {
  if (shape.cron === null) throw new Error('a schedule without cron or interval');
  return { cron: shape.cron, timeZone: shape.timeZone, hashSeed: shape.hashSeed };
}

function anchorOf(shape: ScheduleShape): number {
  const anchor = shape.anchor ?? shape.startAt;
  if (!anchor) throw new Error('an interval schedule without an anchor');
  return anchor.getTime();
}

// Occurrences are anchor + k · everyMs for every integer k (the window bounds them).
function nextInterval(shape: ScheduleShape, after: Date): Date {
  const every = shape.everyMs!;
  const anchor = anchorOf(shape);
  return new Date(anchor + (Math.floor((after.getTime() - anchor) / every) + 1) * every);
}

function latestInterval(shape: ScheduleShape, atOrBefore: Date): Date {
  const every = shape.everyMs!;
  const anchor = anchorOf(shape);
  return new Date(anchor + Math.floor((atOrBefore.getTime() - anchor) / every) * every);
}
