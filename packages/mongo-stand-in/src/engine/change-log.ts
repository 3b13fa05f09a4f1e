import { Timestamp, type Document } from 'bson';
import { CommandFailure } from '../command-types';
import { ErrorCodes } from '../error-codes';
import type { ClusterClock } from '../replica-set-member';
import { RecordedChanges, type ChangeEvent, type ChangeInput } from './recorded-changes';

export type { ChangeEvent, ChangeInput, EventNamespace } from './recorded-changes';

/*
 * The replica-set mode's record of changes, in the order they were made, that change
 * streams read: mongod's oplog, reduced to what a change event shows. Each change gets its
 * own cluster time (the clock ticks per change, as per oplog entry) and a resume token that
 * names its place. The log is bounded like an oplog: past its capacity the oldest changes
 * are dropped, and a stream resuming from one of them fails with ChangeStreamHistoryLost.
 * The changes are held compactly, mostly outside the JavaScript heap (see
 * recorded-changes.ts).
 */

/** Where a resume token points: after the change at `sequence`. */
export interface ResumePoint {
  readonly sequence: number;
  readonly clusterTime: Timestamp;
  /** The token of an invalidate event (which `startAfter` accepts and `resumeAfter` does not). */
  readonly fromInvalidate: boolean;
}

export const DEFAULT_CHANGE_LOG_LIMITS = { events: 100_000, bytes: 64 * 1024 * 1024 } as const;

/** What a change costs the log's bound besides its BSON. */
const FIXED_BYTES = 128;

export class ChangeLog {
  private readonly changes = new RecordedChanges();
  /** What the bound counts: each held change's BSON and a fixed part for the rest. */
  private bytes = 0;

  constructor(
    readonly clock: ClusterClock,
    private readonly limits: {
      readonly events: number;
      readonly bytes: number;
    } = DEFAULT_CHANGE_LOG_LIMITS,
  ) {}

  /** The sequence of the latest change (0 before the first). */
  get latestSequence(): number {
    return this.changes.nextSequence - 1;
  }

  /** How many changes the log holds. */
  get size(): number {
    return this.changes.size;
  }

  /** Records a change at the next cluster time and returns it. */
  record(change: ChangeInput): ChangeEvent {
    const sequence = this.changes.nextSequence;
    this.bytes += FIXED_BYTES;
    this.bytes += this.changes.append(change, this.clock.tick(), this.clock.lastWriteMs);
    this.evict();
    return this.changes.at(sequence)!;
  }

  /** The changes recorded after `sequence`, oldest first. */
  after(sequence: number): readonly ChangeEvent[] {
    const events: ChangeEvent[] = [];
    const from = Math.max(sequence + 1, this.changes.oldestSequence);
    for (let at = from; at <= this.latestSequence; at++) events.push(this.changes.at(at)!);
    return events;
  }

  /**
   * The sequence a stream resumes after, checked against the log.
   * @throws CommandFailure 286 ChangeStreamHistoryLost when the change is no longer held,
   *   280 ChangeStreamFatalError when the token names no change of this log.
   */
  resumeAfter(point: ResumePoint): number {
    const oldest = this.changes.oldestSequence;
    if (point.sequence < oldest - 1 || (this.size === 0 && point.sequence < this.latestSequence)) {
      throw historyLost();
    }
    const held = this.holds(point.sequence);
    if (
      point.sequence > this.latestSequence ||
      (held && !this.changes.isAt(point.sequence, point.clusterTime))
    ) {
      throw new CommandFailure(
        ErrorCodes.ChangeStreamFatalError,
        'ChangeStreamFatalError',
        'cannot resume stream; the resume token was not found.',
      );
    }
    return point.sequence;
  }

  /**
   * The sequence of the last change before `time`, where `startAtOperationTime` starts.
   * @throws CommandFailure 286 ChangeStreamHistoryLost when changes at or after `time` may
   *   have been dropped already.
   */
  sequenceBefore(time: Timestamp): number {
    const oldest = this.changes.oldestSequence;
    const dropped = oldest > 1;
    if (dropped && (this.size === 0 || this.changes.isAtOrAfter(oldest, time))) {
      throw historyLost();
    }
    let sequence = oldest - 1;
    for (let at = oldest; at <= this.latestSequence; at++) {
      if (this.changes.isAtOrAfter(at, time)) break;
      sequence = at;
    }
    return sequence;
  }

  /**
   * The change right after `sequence`, once it is recorded.
   * @throws CommandFailure 286 ChangeStreamHistoryLost when it was dropped to bound the log
   *   (a stream read too slowly).
   */
  next(sequence: number): ChangeEvent | undefined {
    if (sequence + 1 < this.changes.oldestSequence) throw historyLost();
    return this.changes.at(sequence + 1);
  }

  /**
   * The resume point right after the change at `sequence`: that change's cluster time, or
   * the latest write's once the change is no longer held (or before the first change).
   */
  pointAfter(sequence: number): ResumePoint {
    const clusterTime = this.changes.clusterTimeOf(sequence) ?? this.clock.lastWrite;
    return { sequence, clusterTime, fromInvalidate: false };
  }

  private holds(sequence: number): boolean {
    return sequence >= this.changes.oldestSequence && sequence <= this.latestSequence;
  }

  private evict(): void {
    while (this.size > this.limits.events || (this.bytes > this.limits.bytes && this.size > 1)) {
      this.bytes -= FIXED_BYTES + this.changes.dropOldest();
    }
  }
}

function historyLost(): CommandFailure {
  return new CommandFailure(
    286,
    'ChangeStreamHistoryLost',
    'Resume of change stream was not possible, as the resume point may no longer be in the oplog.',
  );
}

/** Encodes a resume point as mongod's resume tokens look: `{ _data: <hex string> }`. */
export function encodeResumeToken(point: ResumePoint): { _data: string } {
  const hex = (value: number, width: number) =>
    value.toString(16).toUpperCase().padStart(width, '0');
  return {
    _data:
      `82${hex(point.clusterTime.high, 8)}${hex(point.clusterTime.low, 8)}` +
      `${hex(point.sequence, 12)}${point.fromInvalidate ? '01' : '00'}`,
  };
}

/**
 * The resume point a token names.
 * @throws CommandFailure 2 BadValue for a value that is not a token of this stand-in.
 */
export function decodeResumeToken(token: unknown): ResumePoint {
  const data: unknown =
    token !== null && typeof token === 'object' ? (token as Document)._data : undefined;
  const match =
    typeof data === 'string'
      ? /^82([0-9A-F]{8})([0-9A-F]{8})([0-9A-F]{12})(0[01])$/.exec(data)
      : null;
  if (!match) {
    throw new CommandFailure(
      ErrorCodes.BadValue,
      'BadValue',
      'the resume token is not one this server issued',
    );
  }
  return {
    clusterTime: new Timestamp({ t: parseInt(match[1], 16), i: parseInt(match[2], 16) }),
    sequence: parseInt(match[3], 16),
    fromInvalidate: match[4] === '01',
  };
}
