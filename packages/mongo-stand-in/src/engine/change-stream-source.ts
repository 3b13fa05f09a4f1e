import { CommandFailure } from '../command-types';
import { ErrorCodes } from '../error-codes';
import { identicalValues } from './bson-compare';
import {
  encodeResumeToken,
  type ChangeEvent,
  type ChangeLog,
  type EventNamespace,
  type ResumePoint,
} from './change-log';
import type { CursorSource } from './cursor-source';
import { runPipeline } from './pipeline-runner';
import { isPlainDocument } from './bson-value';
import { canonicalKey } from './canonical-key';
import { compileFilter, type DocumentMatcher } from './query-matcher';

type Document = Record<string, unknown>;

/** What a change stream watches: a collection, a database, or (neither) the whole deployment. */
export interface ChangeStreamScope {
  readonly db?: string;
  readonly coll?: string;
}

/** The options of a `$changeStream` stage that shape its events. */
export interface ChangeStreamOptions {
  readonly fullDocument: 'default' | 'updateLookup' | 'whenAvailable' | 'required';
  readonly fullDocumentBeforeChange: 'off' | 'whenAvailable' | 'required';
}

/** The current version of a document, which `fullDocument: 'updateLookup'` shows. */
export type DocumentLookup = (ns: EventNamespace, id: unknown) => Document | undefined;

/** Databases whose changes a deployment-wide stream never shows, as in mongod. */
const INTERNAL_DATABASES = new Set(['admin', 'config', 'local']);

interface PendingEvent {
  readonly document: Document;
  readonly point: ResumePoint;
}

/**
 * A change stream's events, read from the change log as it grows: the changes in the
 * stream's scope turned into mongod's event documents (with the full documents and images
 * its options ask for), passed through the stages after `$changeStream`, and, where the
 * watched collection or database goes away, an `invalidate` event that ends the stream.
 *
 * It never ends by itself otherwise: it is a tailable source whose cursor waits for new
 * changes. It reads the log lazily, one change at a time, so a stream that has fallen
 * behind costs only what it reads, and one that has fallen out of the log fails with 286
 * ChangeStreamHistoryLost. Its resume token after each batch (`postBatchResumeToken`) is
 * the last event handed out while more are waiting, else the latest change it has read.
 */
export class ChangeStreamSource implements CursorSource {
  private position: number;
  private readonly pending: PendingEvent[] = [];
  private lastHandedOut: ResumePoint;
  private invalidated = false;
  /** The opening `$match` stage, compiled, when it can be tested alone. */
  private readonly leadingMatch: DocumentMatcher | undefined;
  /** The stages after {@link leadingMatch} (all of them without it). */
  private readonly rest: readonly Document[];
  /** A failure met while reading: the stream cannot go on, and every read reports it. */
  private failure: unknown;

  constructor(
    private readonly log: ChangeLog,
    private readonly scope: ChangeStreamScope,
    start: number,
    private readonly options: ChangeStreamOptions,
    stages: readonly Document[],
    private readonly lookUp: DocumentLookup,
  ) {
    this.position = start;
    this.lastHandedOut = log.pointAfter(start);
    // Most streams open with a `$match` that most changes fail (a queue watching for new work
    // sees every claim and outcome): it is tested with the compiled filter, and only the
    // events it lets through run the rest of the stages. A `$match` reading variables runs
    // in the pipeline, where they are bound.
    const first = stages[0]?.$match;
    if (
      stages.length > 0 &&
      Object.keys(stages[0]).length === 1 &&
      isPlainDocument(first) &&
      !canonicalKey(first).includes('$$')
    ) {
      this.leadingMatch = compileFilter(first);
      this.rest = stages.slice(1);
    } else {
      this.rest = stages;
    }
  }

  get exhausted(): boolean {
    return this.invalidated && this.pending.length === 0;
  }

  peek(): Document | undefined {
    if (this.failure !== undefined) throw this.failure;
    try {
      while (this.pending.length === 0 && !this.invalidated) {
        const event = this.log.next(this.position);
        if (event === undefined) return undefined;
        this.position = event.sequence;
        this.read(event);
      }
    } catch (error) {
      this.failure = error;
      throw error;
    }
    return this.pending[0]?.document;
  }

  advance(): void {
    const handedOut = this.pending.shift();
    if (handedOut) this.lastHandedOut = handedOut.point;
  }

  /** The `postBatchResumeToken` after the batch just taken. */
  resumeToken(): Document {
    const point =
      this.pending.length > 0 || this.invalidated
        ? this.lastHandedOut
        : this.log.pointAfter(this.position);
    return encodeResumeToken(point);
  }

  /** Queues what one change shows this stream: nothing, its event, or its event and the end. */
  private read(event: ChangeEvent): void {
    const point: ResumePoint = {
      sequence: event.sequence,
      clusterTime: event.clusterTime,
      fromInvalidate: false,
    };
    if (this.shows(event)) this.queue(this.eventDocument(event, point), point);
    if (this.invalidatedBy(event)) {
      const invalidate: ResumePoint = { ...point, fromInvalidate: true };
      this.queue(
        {
          _id: encodeResumeToken(invalidate),
          operationType: 'invalidate',
          clusterTime: event.clusterTime,
          wallTime: event.wallTime,
        },
        invalidate,
      );
      this.invalidated = true;
    }
  }

  private queue(document: Document, point: ResumePoint): void {
    if (this.leadingMatch !== undefined && !this.leadingMatch(document)) return;
    const results = this.rest.length === 0 ? [document] : runPipeline([document], this.rest);
    for (const result of results) {
      if (!identicalValues(result._id, document._id)) throw resumeTokenModified();
      this.pending.push({ document: result, point });
    }
  }

  /** Whether a change is one this stream shows. */
  private shows(event: ChangeEvent): boolean {
    const { db, coll } = this.scope;
    const ns = event.ns;
    if (coll !== undefined) {
      return ns.db === db && ns.coll === coll && event.operationType !== 'dropDatabase';
    }
    if (ns.coll?.startsWith('system.')) return false;
    return db === undefined ? !INTERNAL_DATABASES.has(ns.db) : ns.db === db;
  }

  /** Whether a change ends this stream: its collection dropped or renamed, its database dropped. */
  private invalidatedBy(event: ChangeEvent): boolean {
    const { db, coll } = this.scope;
    if (db === undefined || event.ns.db !== db) return false;
    if (event.operationType === 'dropDatabase') return true;
    return (
      coll !== undefined &&
      event.ns.coll === coll &&
      (event.operationType === 'drop' || event.operationType === 'rename')
    );
  }

  /** mongod's event document for a change, fields in mongod's order. */
  private eventDocument(event: ChangeEvent, point: ResumePoint): Document {
    const document: Document = {
      _id: encodeResumeToken(point),
      operationType: event.operationType,
      clusterTime: event.clusterTime,
      wallTime: event.wallTime,
    };
    const fullDocument = this.fullDocumentOf(event);
    if (fullDocument !== undefined) document.fullDocument = fullDocument;
    const before = this.fullDocumentBeforeChangeOf(event);
    if (before !== undefined) document.fullDocumentBeforeChange = before;
    document.ns = { ...event.ns };
    if (event.to) document.to = { ...event.to };
    if (event.documentKey) document.documentKey = event.documentKey;
    if (event.updateDescription) document.updateDescription = event.updateDescription;
    return document;
  }

  private fullDocumentOf(event: ChangeEvent): Document | null | undefined {
    if (event.operationType === 'insert' || event.operationType === 'replace') {
      return event.fullDocument;
    }
    if (event.operationType !== 'update') return undefined;
    switch (this.options.fullDocument) {
      case 'default':
        return undefined;
      case 'updateLookup':
        return this.lookUp(event.ns, event.documentKey?._id) ?? null;
      case 'whenAvailable':
        return event.fullDocument ?? null;
      case 'required':
        return event.fullDocument ?? imageMissing('post-image', event);
    }
  }

  private fullDocumentBeforeChangeOf(event: ChangeEvent): Document | null | undefined {
    const { operationType } = event;
    if (operationType !== 'update' && operationType !== 'replace' && operationType !== 'delete') {
      return undefined;
    }
    switch (this.options.fullDocumentBeforeChange) {
      case 'off':
        return undefined;
      case 'whenAvailable':
        return event.fullDocumentBeforeChange ?? null;
      case 'required':
        return event.fullDocumentBeforeChange ?? imageMissing('pre-image', event);
    }
  }
}

/** mongod's failure when a stream requires an image its collection did not keep. */
function imageMissing(image: 'pre-image' | 'post-image', event: ChangeEvent): never {
  throw new CommandFailure(
    47,
    'NoMatchingDocument',
    `Change stream was configured to require a ${image} for all update, delete and replace events, but the ${image} was not found for event at ${event.clusterTime.toString()} in ${event.ns.db}.${event.ns.coll ?? ''}`,
  );
}

function resumeTokenModified(): CommandFailure {
  return new CommandFailure(
    ErrorCodes.ChangeStreamFatalError,
    'ChangeStreamFatalError',
    'Encountered an event whose _id field, which contains the resume token, was modified by the pipeline. Modifying the _id field of an event makes it impossible to resume the stream from that point. Only transformations that retain the unmodified _id field are allowed.',
    { errorLabels: ['NonResumableChangeStreamError'] },
  );
}
