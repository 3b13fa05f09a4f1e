import { Timestamp, type Document } from 'bson';
import { readDocument, writeDocument } from '../wire/bson-codec';
import type { UpdateDescription } from './update-description';

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

const OPERATION_TYPES: ReadonlyArray<ChangeInput['operationType']> = [
  'insert',
  'update',
  'replace',
  'delete',
  'drop',
  'rename',
  'dropDatabase',
];
const OPERATION_CODES = new Map(OPERATION_TYPES.map((type, code) => [type, code]));

/** The BSON documents a change may carry, in the order they are written: one bit each. */
const META = 1;
const AFTER = 2;
const BEFORE = 4;
const UPDATED = 8;

/** Changes' BSON is appended to slabs of this size (a larger change gets a slab of its own). */
const SLAB_BYTES = 1024 * 1024;
const INITIAL_CAPACITY = 1024;

/**
 * The changes a {@link ChangeLog} holds, oldest first, stored by column: an oplog holds up to
 * 100,000 of them, and a JavaScript object per change (or per document in it) is heap that
 * every garbage collection walks. Each change's kind, namespace, times and place are numbers
 * in typed arrays; what it carries (document key, documents, update description) is BSON,
 * as an oplog holds it, appended to large buffers, and decoded when a stream reads it. BSON
 * as the wire layer writes and reads it gives back the values stored (see bson-codec.ts).
 * Reading a change gives a {@link ChangeEvent} made for the reader, which stays valid
 * whatever the log drops afterwards.
 */
export class RecordedChanges {
  private capacity = INITIAL_CAPACITY;
  private kinds = new Uint8Array(INITIAL_CAPACITY);
  private parts = new Uint8Array(INITIAL_CAPACITY);
  private namespaceIds = new Uint32Array(INITIAL_CAPACITY);
  private seconds = new Uint32Array(INITIAL_CAPACITY);
  private increments = new Uint32Array(INITIAL_CAPACITY);
  private wallTimes = new Float64Array(INITIAL_CAPACITY);
  private slabIds = new Uint32Array(INITIAL_CAPACITY);
  private offsets = new Uint32Array(INITIAL_CAPACITY);
  private lengths = new Uint32Array(INITIAL_CAPACITY);
  /** Positions [head, end) hold changes; position 0 is sequence `baseSequence`. */
  private head = 0;
  private end = 0;
  private baseSequence = 1;
  /** The slabs still read by a held change; `slabs[0]` has id `firstSlabId`. */
  private readonly slabs: Buffer[] = [];
  /** Per slab, how many held changes it carries. */
  private readonly slabChanges: number[] = [];
  private firstSlabId = 0;
  private slabUsed = SLAB_BYTES;
  private readonly namespaces: EventNamespace[] = [];
  private readonly namespaceIdOf = new Map<string, number>();

  /** How many changes are held. */
  get size(): number {
    return this.end - this.head;
  }

  /** The sequence of the oldest change held (of the next one when none is). */
  get oldestSequence(): number {
    return this.baseSequence + this.head;
  }

  /** The sequence the next change will get. */
  get nextSequence(): number {
    return this.baseSequence + this.end;
  }

  /**
   * Appends a change with the next sequence.
   * @returns the bytes of BSON it carries.
   */
  append(change: ChangeInput, clusterTime: Timestamp, wallMs: number): number {
    if (this.end === this.capacity) this.makeRoom();
    const at = this.end;
    this.kinds[at] = OPERATION_CODES.get(change.operationType)!;
    this.namespaceIds[at] = this.namespaceId(change.ns);
    this.seconds[at] = clusterTime.high;
    this.increments[at] = clusterTime.low;
    this.wallTimes[at] = wallMs;
    const chunks: Buffer[] = [];
    let parts = 0;
    const meta = metaOf(change);
    if (meta) parts |= add(chunks, META, meta);
    if (change.fullDocument) parts |= add(chunks, AFTER, change.fullDocument);
    if (change.fullDocumentBeforeChange) {
      parts |= add(chunks, BEFORE, change.fullDocumentBeforeChange);
    }
    if (change.updateDescription) {
      parts |= add(chunks, UPDATED, change.updateDescription.updatedFields);
    }
    this.parts[at] = parts;
    const length = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
    this.lengths[at] = length;
    if (length > 0) this.store(at, chunks, length);
    this.end += 1;
    return length;
  }

  /** The change at `sequence`, if held. */
  at(sequence: number): ChangeEvent | undefined {
    const position = sequence - this.baseSequence;
    if (position < this.head || position >= this.end) return undefined;
    const length = this.lengths[position];
    return new RecordedChange(
      OPERATION_TYPES[this.kinds[position]],
      this.namespaces[this.namespaceIds[position]],
      sequence,
      this.seconds[position],
      this.increments[position],
      this.wallTimes[position],
      this.parts[position],
      length > 0
        ? this.slabs[this.slabIds[position] - this.firstSlabId].subarray(
            this.offsets[position],
            this.offsets[position] + length,
          )
        : undefined,
    );
  }

  /** Whether the change at `sequence` (which must be held) is at `time`. */
  isAt(sequence: number, time: Timestamp): boolean {
    const position = sequence - this.baseSequence;
    return this.seconds[position] === time.high && this.increments[position] === time.low;
  }

  /** Whether the change at `sequence` (which must be held) is at or after `time`. */
  isAtOrAfter(sequence: number, time: Timestamp): boolean {
    const position = sequence - this.baseSequence;
    const seconds = this.seconds[position];
    if (seconds !== time.high) return seconds > time.high;
    return this.increments[position] >= time.low;
  }

  /** The cluster time of the change at `sequence`, if held. */
  clusterTimeOf(sequence: number): Timestamp | undefined {
    const position = sequence - this.baseSequence;
    if (position < this.head || position >= this.end) return undefined;
    return new Timestamp({ t: this.seconds[position], i: this.increments[position] });
  }

  /**
   * Drops the oldest change held.
   * @returns the bytes of BSON it carried.
   */
  dropOldest(): number {
    if (this.head === this.end) return 0;
    const length = this.lengths[this.head];
    if (length > 0) {
      this.slabChanges[this.slabIds[this.head] - this.firstSlabId] -= 1;
      // Slabs are written in order: the front ones no held change reads are let go.
      while (this.slabs.length > 1 && this.slabChanges[0] === 0) {
        this.slabs.shift();
        this.slabChanges.shift();
        this.firstSlabId += 1;
      }
    }
    this.head += 1;
    return length;
  }

  private namespaceId(ns: EventNamespace): number {
    const key = ns.coll === undefined ? ns.db : `${ns.db}.${ns.coll}`;
    let id = this.namespaceIdOf.get(key);
    if (id === undefined) {
      id = this.namespaces.length;
      this.namespaces.push(ns);
      this.namespaceIdOf.set(key, id);
    }
    return id;
  }

  private store(at: number, chunks: readonly Buffer[], length: number): void {
    if (this.slabs.length === 0 || this.slabUsed + length > this.currentSlab().length) {
      this.slabs.push(Buffer.allocUnsafeSlow(Math.max(SLAB_BYTES, length)));
      this.slabChanges.push(0);
      this.slabUsed = 0;
    }
    const slab = this.currentSlab();
    this.slabIds[at] = this.firstSlabId + this.slabs.length - 1;
    this.offsets[at] = this.slabUsed;
    for (const chunk of chunks) {
      chunk.copy(slab, this.slabUsed);
      this.slabUsed += chunk.length;
    }
    this.slabChanges[this.slabChanges.length - 1] += 1;
  }

  private currentSlab(): Buffer {
    return this.slabs[this.slabs.length - 1];
  }

  /** Moves the held changes to the front, or doubles the columns when most are held. */
  private makeRoom(): void {
    const held = this.end - this.head;
    const capacity = held * 2 > this.capacity ? this.capacity * 2 : this.capacity;
    const moved = <T extends Uint8Array | Uint32Array | Float64Array>(column: T, grown: T): T => {
      grown.set(column.subarray(this.head, this.end));
      return grown;
    };
    this.kinds = moved(this.kinds, new Uint8Array(capacity));
    this.parts = moved(this.parts, new Uint8Array(capacity));
    this.namespaceIds = moved(this.namespaceIds, new Uint32Array(capacity));
    this.seconds = moved(this.seconds, new Uint32Array(capacity));
    this.increments = moved(this.increments, new Uint32Array(capacity));
    this.wallTimes = moved(this.wallTimes, new Float64Array(capacity));
    this.slabIds = moved(this.slabIds, new Uint32Array(capacity));
    this.offsets = moved(this.offsets, new Uint32Array(capacity));
    this.lengths = moved(this.lengths, new Uint32Array(capacity));
    this.baseSequence += this.head;
    this.end = held;
    this.head = 0;
    this.capacity = capacity;
  }
}

/** What a change carries besides its documents, when it carries anything. */
function metaOf(change: ChangeInput): Document | undefined {
  const description = change.updateDescription;
  const meta: Document = {};
  let any = false;
  if (change.documentKey) {
    meta.k = change.documentKey._id;
    any = true;
  }
  if (description?.removedFields.length) {
    meta.r = description.removedFields;
    any = true;
  }
  if (description?.truncatedArrays.length) {
    meta.t = description.truncatedArrays;
    any = true;
  }
  if (change.to) {
    meta.to = change.to;
    any = true;
  }
  return any ? meta : undefined;
}

function add(chunks: Buffer[], part: number, document: Document): number {
  chunks.push(writeDocument(document));
  return part;
}

/** A change read from the log: its numbers at hand, its BSON decoded when first asked for. */
class RecordedChange implements ChangeEvent {
  private decoded: Partial<Record<number, Document>> | undefined;

  constructor(
    readonly operationType: ChangeInput['operationType'],
    readonly ns: EventNamespace,
    readonly sequence: number,
    private readonly seconds: number,
    private readonly increment: number,
    private readonly wallMs: number,
    private readonly parts: number,
    private readonly bytes: Buffer | undefined,
  ) {}

  get clusterTime(): Timestamp {
    return new Timestamp({ t: this.seconds, i: this.increment });
  }

  get wallTime(): Date {
    return new Date(this.wallMs);
  }

  get documentKey(): { readonly _id: unknown } | undefined {
    const meta = this.part(META);
    return meta && 'k' in meta ? { _id: meta.k } : undefined;
  }

  get to(): EventNamespace | undefined {
    return this.part(META)?.to as EventNamespace | undefined;
  }

  get fullDocument(): Document | undefined {
    return this.part(AFTER);
  }

  get fullDocumentBeforeChange(): Document | undefined {
    return this.part(BEFORE);
  }

  get updateDescription(): UpdateDescription | undefined {
    const updatedFields = this.part(UPDATED);
    if (updatedFields === undefined) return undefined;
    const meta = this.part(META);
    return {
      updatedFields,
      removedFields: (meta?.r as string[] | undefined) ?? [],
      truncatedArrays: (meta?.t as UpdateDescription['truncatedArrays'] | undefined) ?? [],
    };
  }

  /** One of the change's BSON documents, decoded (all of them the first time). */
  private part(part: number): Document | undefined {
    if ((this.parts & part) === 0 || this.bytes === undefined) return undefined;
    if (this.decoded === undefined) {
      const decoded: Partial<Record<number, Document>> = {};
      let offset = 0;
      for (const each of [META, AFTER, BEFORE, UPDATED]) {
        if ((this.parts & each) === 0) continue;
        const { document, size } = readDocument(this.bytes, offset);
        decoded[each] = document;
        offset += size;
      }
      this.decoded = decoded;
    }
    return this.decoded[part];
  }
}
