import type { Document } from 'bson';
import type { ClientSession } from 'mongodb';
import { toDriverOption } from './driver-options';
import { SpecRunnerError } from './spec-runner.error';

/** Finds the session entity a `session` argument names; throws when there is none. */
export type SessionResolver = (id: string) => ClientSession;

/**
 * Option names the runner passes on to the driver (after {@link toDriverOption}); `session`
 * is resolved to its entity. The format says an argument the runner does not know is an
 * error, not something to drop.
 */
const KNOWN_OPTIONS = new Set([
  'allowDiskUse',
  'allowPartialResults',
  'arrayFilters',
  'authorizedCollections',
  'batchSize',
  'bypassDocumentValidation',
  'capped',
  'changeStreamPreAndPostImages',
  'clusteredIndex',
  'collation',
  'comment',
  'cursorType',
  'dropTarget',
  'encryptedFields',
  'expireAfterSeconds',
  'fullDocument',
  'fullDocumentBeforeChange',
  'hidden',
  'hint',
  'indexOptionDefaults',
  'let',
  'limit',
  'max',
  'maxAwaitTimeMS',
  'maxCommitTimeMS',
  'maxTimeMS',
  'min',
  'name',
  'nameOnly',
  'noCursorTimeout',
  'ordered',
  'partialFilterExpression',
  'pipeline',
  'projection',
  'readConcern',
  'readPreference',
  'resumeAfter',
  'returnDocument',
  'returnKey',
  'showExpandedEvents',
  'showRecordId',
  'size',
  'skip',
  'sort',
  'sparse',
  'startAfter',
  'startAtOperationTime',
  'storageEngine',
  'timeoutMS',
  'timeseries',
  'unique',
  'upsert',
  'validationAction',
  'validationLevel',
  'validator',
  'verboseResults',
  'viewOn',
  'writeConcern',
]);

/**
 * The `arguments` of one operation: positional parameters are taken by name, whatever is
 * left becomes the driver's options object, its `session` resolved to the session entity
 * it names before the driver sees it.
 */
export class OperationArguments {
  private readonly remaining: Map<string, unknown>;

  constructor(
    raw: Document | undefined,
    private readonly operation: string,
    private readonly resolveSession: SessionResolver,
  ) {
    this.remaining = new Map(Object.entries(raw ?? {}));
  }

  /** A parameter the operation cannot do without. */
  required<T = unknown>(name: string): T {
    if (!this.remaining.has(name))
      throw new SpecRunnerError(`${this.operation}: missing argument "${name}"`);
    return this.take(name) as T;
  }

  /** A parameter that may be absent. */
  optional<T = unknown>(name: string): T | undefined {
    return this.take(name) as T | undefined;
  }

  /** The session entity named by the `session` argument, or `undefined` without one. */
  session(): ClientSession | undefined {
    const id = this.take('session');
    return id === undefined ? undefined : this.resolveSession(String(id));
  }

  /** Everything not taken yet, as driver options; throws on an argument it does not know. */
  options(): Document {
    const session = this.session();
    const options: Document = session ? { session } : {};
    for (const [name, value] of this.remaining) {
      if (!KNOWN_OPTIONS.has(name)) {
        throw new SpecRunnerError(`${this.operation}: unsupported argument "${name}"`);
      }
      Object.assign(options, toDriverOption(name, value));
    }
    this.remaining.clear();
    return options;
  }

  /**
   * Everything not taken yet, as the test file wrote it, for operations that validate and
   * convert their own options (transaction options).
   */
  rest(): Document {
    const rest = Object.fromEntries(this.remaining);
    this.remaining.clear();
    return rest;
  }

  private take(name: string): unknown {
    const value = this.remaining.get(name);
    this.remaining.delete(name);
    return value;
  }
}
