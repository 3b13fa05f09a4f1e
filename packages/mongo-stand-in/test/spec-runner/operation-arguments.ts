import { SpecRunnerError } from './spec-runner.error';
import type { Document } from 'bson';
import { toDriverOption } from './driver-options';

/**
 * Option names the runner passes on to the driver (after {@link toDriverOption}). The
 * format says an argument the runner does not know is an error, not something to drop.
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
  'encryptedFields',
  'expireAfterSeconds',
  'hidden',
  'hint',
  'indexOptionDefaults',
  'let',
  'limit',
  'max',
  'maxAwaitTimeMS',
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
  'returnDocument',
  'returnKey',
  'session',
  'showRecordId',
  'size',
  'skip',
  'sort',
  'sparse',
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
 * left becomes the driver's options object.
 */
export class OperationArguments {
  private readonly remaining: Map<string, unknown>;

  constructor(
    raw: Document | undefined,
    private readonly operation: string,
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

  /** Everything not taken yet, as driver options; throws on an argument it does not know. */
  options(): Document {
    const options: Document = {};
    for (const [name, value] of this.remaining) {
      if (!KNOWN_OPTIONS.has(name)) {
        throw new SpecRunnerError(`${this.operation}: unsupported argument "${name}"`);
      }
      Object.assign(options, toDriverOption(name, value));
    }
    this.remaining.clear();
    return options;
  }

  private take(name: string): unknown {
    const value = this.remaining.get(name);
    this.remaining.delete(name);
    return value;
  }
}
