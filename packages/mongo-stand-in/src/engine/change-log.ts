import { Timestamp, type Document } from 'bson';
import { readDocument, writeDocument } from '../wire/bson-codec';
import { CommandFailure } from '../command-types';
import { ErrorCodes } from '../error-codes';
import type { ClusterClock } from '../replica-set-member';
import type { UpdateDescription } from './update-description';

/*
 * The replica-set mode's record of changes, in the order they were made, that change
 * streams read: mongod's oplog, reduced to what a change event shows. Each change gets its
 * own cluster time (the clock ticks per change, as per oplog entry) and a resume token that
 * names its place. The log is bounded like an oplog: past its capacity the oldest changes
 * are dropped, and a stream resuming from one of them fails with ChangeStreamHistoryLost.
 */

/** A namespace as change events name it. */
export interface EventNamespace {
  readonly db: string;
  readonly coll?: string;
}

/** One change, as recorded. */
export interface ChangeInput {
  readonly operationType:
    'insert' | 'update' | 'replace' | 'delete' | 'drop' | 'rename' | 'dropDatabase';
  readonly ns: EventNamespace;
  readonly documentKey?: { readonly _id: unknown };
  /**
   * The document after the change, never mutated afterwards: an insert's or a replacement's,
   * and an update's where the collection keeps pre- and post-images.
   */
  readonly fullDocument?: Document;
  /** The document before an update, replacement or delete, where the collection keeps images. */
  readonly fullDocumentBeforeChange?: Document;
  readonly updateDescription?: UpdateDescription;
  /** Where a renamed collection went. */
  readonly to?: EventNamespace;
}

/** A recorded change: its place, its time and what it was. */
export interface ChangeEvent extends ChangeInput {
  /** Position in the log, from 1, never reused. */
  readonly sequence: number;
  readonly clusterTime: Timestamp;
  readonly wallTime: Date;
}

/**
 * A change as the log holds it, compactly (the log holds up to 100,000 of them, and each
 * object it keeps is work for every garbage collection): its time as numbers, its document
 * key and update description unwrapped, built again when read; its documents (full
 * documents, updated fields) as BSON, as an oplog holds them, decoded when read. BSON as
 * the wire layer encodes and decodes it gives back the same values (see bson-codec.ts),
 * takes a fraction of the objects' memory, and lies outside the JavaScript heap. One shape
 * for every kind of change, built field by field.
 */
class RecordedChange implements ChangeEvent {
  readonly operationType: ChangeInput['operationType'];
  readonly ns: EventNamespace;
  readonly to: EventNamespace | undefined;
  private readonly keyed: boolean;
  private readonly id: unknown;
  private readonly after: Buffer | undefined;
  private readonly before: Buffer | undefined;
  private readonly updated: Buffer | undefined;
  private readonly removedFields: string[] | undefined;
  private readonly truncatedArrays: UpdateDescription['truncatedArrays'] | undefined;
  private readonly seconds: number;
  private readonly increment: number;
  private readonly wallMs: number;

  constructor(
    change: ChangeInput,
    readonly sequence: number,
    clusterTime: Timestamp,
    wallMs: number,
  ) {
    this.operationType = change.operationType;
    this.ns = change.ns;
    this.after = encoded(change.fullDocument);
    this.before = encoded(change.fullDocumentBeforeChange);
    this.to = change.to;
    this.keyed = change.documentKey !== undefined;
    this.id = change.documentKey?._id;
    const description = change.updateDescription;
    this.updated = encoded(description?.updatedFields);
    this.removedFields = description?.removedFields.length ? description.removedFields : undefined;
    this.truncatedArrays = description?.truncatedArrays.length
      ? description.truncatedArrays
      : undefined;
    this.seconds = clusterTime.high;
    this.increment = clusterTime.low;
    this.wallMs = wallMs;
  }

  get documentKey(): { readonly _id: unknown } | undefined {
    return this.keyed ? { _id: this.id } : undefined;
  }

  get fullDocument(): Document | undefined {
    return decoded(this.after);
  }

  get fullDocumentBeforeChange(): Document | undefined {
    return decoded(this.before);
  }

  /** The bytes of its documents, as the log's size bound counts them. */
  get encodedBytes(): number {
    return (this.after?.length ?? 0) + (this.before?.length ?? 0) + (this.updated?.length ?? 0);
  }

  get updateDescription(): UpdateDescription | undefined {
    const updatedFields = decoded(this.updated);
    if (updatedFields === undefined) return undefined;
    return {
      updatedFields,
      removedFields: this.removedFields ?? [],
      truncatedArrays: this.truncatedArrays ?? [],
    };
  }

  get clusterTime(): Timestamp {
    return new Timestamp({ t: this.seconds, i: this.increment });
  }

  get wallTime(): Date {
    return new Date(this.wallMs);
  }
}

/** Where a resume token points: after the change at `sequence`. */
export interface ResumePoint {
  readonly sequence: number;
  readonly clusterTime: Timestamp;
  /** The token of an invalidate event (which `startAfter` accepts and `resumeAfter` does not). */
  readonly fromInvalidate: boolean;
}

export const DEFAULT_CHANGE_LOG_LIMITS = { events: 100_000, bytes: 64 * 1024 * 1024 } as const;

export class ChangeLog {
  private readonly events: ChangeEvent[] = [];
  private head = 0;
  private bytes = 0;
  private nextSequence = 1;
  private readonly sizes: number[] = [];

  constructor(
    readonly clock: ClusterClock,
    private readonly limits: {
      readonly events: number;
      readonly bytes: number;
    } = DEFAULT_CHANGE_LOG_LIMITS,
  ) {}

  /** The sequence of the latest change (0 before the first). */
  get latestSequence(): number {
    return this.nextSequence - 1;
  }

  /** How many changes the log holds. */
  get size(): number {
    return this.events.length - this.head;
  }

  /** Records a change at the next cluster time and returns it. */
  record(change: ChangeInput): ChangeEvent {
    const event = new RecordedChange(
      change,
      this.nextSequence++,
      this.clock.tick(),
      this.clock.lastWriteMs,
    );
    const size = 128 + event.encodedBytes;
    this.events.push(event);
    this.sizes.push(size);
    this.bytes += size;
    this.evict();
    return event;
  }

  /** The changes recorded after `sequence`, oldest first. */
  after(sequence: number): readonly ChangeEvent[] {
    const first = this.events[this.head];
    if (first === undefined || sequence >= this.latestSequence) return [];
    const from = Math.max(this.head, this.head + (sequence + 1 - first.sequence));
    return this.events.slice(from);
  }

  /**
   * The sequence a stream resumes after, checked against the log.
   * @throws CommandFailure 286 ChangeStreamHistoryLost when the change is no longer held,
   *   280 ChangeStreamFatalError when the token names no change of this log.
   */
  resumeAfter(point: ResumePoint): number {
    const first = this.events[this.head];
    const oldest = first?.sequence ?? this.nextSequence;
    if (
      point.sequence < oldest - 1 ||
      (first === undefined && point.sequence < this.latestSequence)
    ) {
      throw historyLost();
    }
    const event = this.eventAt(point.sequence);
    if (
      point.sequence > this.latestSequence ||
      (event && !event.clusterTime.equals(point.clusterTime))
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
    const first = this.events[this.head];
    const dropped = (first?.sequence ?? this.nextSequence) > 1;
    if (dropped && (first === undefined || first.clusterTime.greaterThanOrEqual(time))) {
      throw historyLost();
    }
    let sequence = (first?.sequence ?? this.nextSequence) - 1;
    for (let index = this.head; index < this.events.length; index++) {
      const event = this.events[index];
      if (event.clusterTime.greaterThanOrEqual(time)) break;
      sequence = event.sequence;
    }
    return sequence;
  }

  /**
   * The change right after `sequence`, once it is recorded.
   * @throws CommandFailure 286 ChangeStreamHistoryLost when it was dropped to bound the log
   *   (a stream read too slowly).
   */
  next(sequence: number): ChangeEvent | undefined {
    const first = this.events[this.head];
    const oldest = first?.sequence ?? this.nextSequence;
    if (sequence + 1 < oldest) throw historyLost();
    return this.eventAt(sequence + 1);
  }

  /**
   * The resume point right after the change at `sequence`: that change's cluster time, or
   * the latest write's once the change is no longer held (or before the first change).
   */
  pointAfter(sequence: number): ResumePoint {
    const clusterTime = this.eventAt(sequence)?.clusterTime ?? this.clock.lastWrite;
    return { sequence, clusterTime, fromInvalidate: false };
  }

  private eventAt(sequence: number): ChangeEvent | undefined {
    const first = this.events[this.head];
    if (first === undefined) return undefined;
    return this.events[this.head + (sequence - first.sequence)];
  }

  private evict(): void {
    while (this.size > this.limits.events || (this.bytes > this.limits.bytes && this.size > 1)) {
      this.bytes -= this.sizes[this.head];
      this.head += 1;
    }
    // Compacts once half the array is dropped changes, so memory follows what is held.
    if (this.head > 1024 && this.head * 2 > this.events.length) {
      this.events.splice(0, this.head);
      this.sizes.splice(0, this.head);
      this.head = 0;
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

function encoded(document: Document | undefined): Buffer | undefined {
  return document === undefined ? undefined : writeDocument(document);
}

function decoded(bytes: Buffer | undefined): Document | undefined {
  return bytes === undefined ? undefined : readDocument(bytes, 0).document;
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
