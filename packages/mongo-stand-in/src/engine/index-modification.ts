import { CommandFailure } from '../command-types';
import { ErrorCodes } from '../error-codes';
import { canonicalKey } from './canonical-key';
import type { CollectionState } from './collection-state';
import type { IndexSpec } from './index-spec';
import type { SecondaryIndex } from './secondary-index';
import { formatValue } from './value-format';

type Document = Record<string, unknown>;

/** The `index` of a collMod command, its field types already checked. */
export interface IndexModificationRequest {
  readonly name?: string;
  readonly keyPattern?: Document;
  readonly expireAfterSeconds?: number;
  readonly hidden?: boolean;
  readonly unique?: boolean;
  readonly prepareUnique?: boolean;
  readonly forceNonUnique?: boolean;
}

/** What the collection is, as far as index modifications care. */
export interface IndexedCollection {
  readonly collection: CollectionState;
  readonly capped: boolean;
  readonly timeseries: boolean;
}

/**
 * What collMod will change on one index once every check passed: only the options that
 * change are set (asking for the current value is a no-op, as in mongod, and answers no
 * `_old`/`_new` fields), `expireAfterSeconds` excepted, which mongod always reports.
 */
export interface IndexModification {
  readonly spec: IndexSpec;
  /** The index itself; undefined for `_id_`, which nothing here may change. */
  readonly index: SecondaryIndex | undefined;
  readonly expireAfterSeconds?: number;
  readonly hidden?: boolean;
  readonly unique?: true;
  readonly prepareUnique?: boolean;
  readonly forceNonUnique?: true;
  /** How many modifications the request asked for, no-ops included (mongod counts them). */
  readonly requested: number;
}

const invalidOptions = (message: string) =>
  new CommandFailure(ErrorCodes.InvalidOptions, 'InvalidOptions', message);
const badValue = (message: string) => new CommandFailure(ErrorCodes.BadValue, 'BadValue', message);

function findIndex(collection: CollectionState, request: IndexModificationRequest): IndexSpec {
  const specs = collection.indexSpecs();
  if (request.name !== undefined) {
    const named = specs.find((spec) => spec.name === request.name);
    if (!named) {
      throw new CommandFailure(
        ErrorCodes.IndexNotFound,
        'IndexNotFound',
        `cannot find index ${request.name} for ns ${collection.ns}`,
      );
    }
    return named;
  }
  const keyPattern = request.keyPattern ?? {};
  const wanted = canonicalKey(keyPattern);
  const matching = specs.filter((spec) => canonicalKey(spec.key) === wanted);
  if (matching.length > 1) {
    throw new CommandFailure(
      ErrorCodes.AmbiguousIndexKeyPattern,
      'AmbiguousIndexKeyPattern',
      `index keyPattern ${formatValue(keyPattern)} matches ${matching.length} indexes, must use index name. Conflicting indexes:${formatValue(matching[0])}, ${formatValue(matching[1])}`,
    );
  }
  if (matching.length === 0) {
    throw new CommandFailure(
      ErrorCodes.IndexNotFound,
      'IndexNotFound',
      `cannot find index ${formatValue(keyPattern)} for ns ${collection.ns}`,
    );
  }
  return matching[0];
}

function checkRequest(request: IndexModificationRequest, target: IndexedCollection): void {
  if (request.name !== undefined && request.keyPattern !== undefined)
    throw invalidOptions('Cannot specify both key pattern and name.');
  if (request.name === undefined && request.keyPattern === undefined)
    throw invalidOptions('Must specify either index name or key pattern.');
  const { expireAfterSeconds, hidden, unique, prepareUnique, forceNonUnique } = request;
  if (
    [expireAfterSeconds, hidden, unique, prepareUnique, forceNonUnique].every(
      (v) => v === undefined,
    )
  )
    throw invalidOptions('no expireAfterSeconds, hidden, unique, or prepareUnique field');
  if (unique !== undefined && forceNonUnique !== undefined) {
    throw invalidOptions(
      "collMod does not support 'unique' and 'forceNonUnique' options at the same time",
    );
  }
  if (expireAfterSeconds === undefined) return;
  if (target.timeseries) {
    throw invalidOptions(
      "TTL indexes are not supported for time-series collections. Please refer to the documentation and use the top-level 'expireAfterSeconds' option instead",
    );
  }
  if (target.capped) throw invalidOptions('TTL indexes are not supported for capped collections.');
  if (expireAfterSeconds < 0)
    throw invalidOptions("TTL index 'expireAfterSeconds' option cannot be less than 0");
}

/**
 * Checks an index modification as mongod 7.0's collMod does, in its order, and returns what
 * it changes. A TTL may be set on an index that has none (one field, not `_id_`); `unique`
 * only becomes true, and only after `prepareUnique` (the duplicates are checked apart, by
 * {@link uniqueConversionViolations}); `_id_` cannot be hidden.
 *
 * @throws CommandFailure 72 InvalidOptions, 27 IndexNotFound, 181 AmbiguousIndexKeyPattern,
 *   2 BadValue, with mongod's messages.
 */
export function planIndexModification(
  request: IndexModificationRequest,
  target: IndexedCollection,
): IndexModification {
  checkRequest(request, target);
  const { collection } = target;
  const spec = findIndex(collection, request);
  const isId = spec.name === '_id_';
  const unique = isId || spec.unique === true;
  const index = isId ? undefined : collection.secondaryIndex(spec.name);
  const changes: { -readonly [K in keyof IndexModification]?: IndexModification[K] } = {};
  let requested = 0;
  if (request.expireAfterSeconds !== undefined) {
    requested += 1;
    if (spec.expireAfterSeconds === undefined) {
      if (isId) throw invalidOptions('the _id field does not support TTL indexes');
      if (Object.keys(spec.key).length !== 1) {
        throw invalidOptions(
          'TTL indexes are single-field indexes, compound indexes do not support TTL',
        );
      }
    }
    changes.expireAfterSeconds = request.expireAfterSeconds;
  }
  if (request.unique !== undefined) {
    requested += 1;
    if (!request.unique) throw badValue('Cannot make index non-unique');
    if (!unique) {
      if (spec.prepareUnique !== true) {
        throw invalidOptions(
          "Cannot make index unique with 'prepareUnique=false'. Run collMod to set it first.",
        );
      }
      changes.unique = true;
    }
  }
  if (request.hidden !== undefined) {
    requested += 1;
    if (collection.name.startsWith('system.'))
      throw badValue("Can't hide index on system collection");
    if (isId) throw badValue("can't hide _id index");
    if ((spec.hidden === true) !== request.hidden) changes.hidden = request.hidden;
  }
  if (request.prepareUnique !== undefined) {
    requested += 1;
    if ((spec.prepareUnique === true) !== request.prepareUnique && !unique)
      changes.prepareUnique = request.prepareUnique;
  }
  if (request.forceNonUnique !== undefined) {
    requested += 1;
    if (!request.forceNonUnique) throw badValue("'forceNonUnique: false' is not supported");
    if (unique) {
      if (isId) {
        throw new CommandFailure(
          ErrorCodes.NotImplemented,
          'NotImplemented',
          'the stand-in cannot make the _id index non-unique',
        );
      }
      changes.forceNonUnique = true;
    }
  }
  return { ...changes, spec, index, requested };
}

/**
 * The documents that stop an index from becoming unique, as mongod lists them in a 359
 * CannotConvertIndexToUnique error: one `{ ids: [...] }` per duplicated key, in index order,
 * ids in natural order. Empty when the conversion may proceed.
 */
export function uniqueConversionViolations(
  collection: CollectionState,
  modification: IndexModification,
): Document[] {
  if (!modification.index) return [];
  return modification.index.duplicateKeys().map(({ ids }) => ({
    ids: ids
      .sort((a, b) => collection.sequenceOf(a) - collection.sequenceOf(b))
      .map((idKey) => collection.get(idKey)?._id),
  }));
}

/** The 359 CannotConvertIndexToUnique error for these violations. */
export function cannotConvertToUnique(violations: Document[]): CommandFailure {
  return new CommandFailure(
    ErrorCodes.CannotConvertIndexToUnique,
    'CannotConvertIndexToUnique',
    'Cannot convert the index to unique. Please resolve conflicting documents before running collMod again.',
    { violations },
  );
}

/**
 * Applies a planned modification and returns the reply fields mongod adds for it:
 * `expireAfterSeconds_old` (when there was a TTL) and `_new`, `hidden_old`/`_new`,
 * `unique_new`, `prepareUnique_old`/`_new`, `forceNonUnique_new`. The TTL monitor and the
 * planner read the new options from the next pass and the next query on.
 */
export function applyIndexModification(modification: IndexModification): Document {
  const { spec, index } = modification;
  const reply: Document = {};
  const next: Record<string, unknown> = { ...spec };
  if (modification.expireAfterSeconds !== undefined) {
    if (spec.expireAfterSeconds !== undefined)
      reply.expireAfterSeconds_old = spec.expireAfterSeconds;
    reply.expireAfterSeconds_new = modification.expireAfterSeconds;
    next.expireAfterSeconds = modification.expireAfterSeconds;
  }
  if (modification.hidden !== undefined) {
    reply.hidden_old = spec.hidden === true;
    reply.hidden_new = modification.hidden;
    // Unhiding removes the flag: mongod never lists `hidden: false`.
    if (modification.hidden) next.hidden = true;
    else delete next.hidden;
  }
  if (modification.unique) {
    reply.unique_new = true;
    next.unique = true;
    delete next.prepareUnique;
  }
  if (modification.prepareUnique !== undefined) {
    reply.prepareUnique_old = spec.prepareUnique === true;
    reply.prepareUnique_new = modification.prepareUnique;
    if (modification.prepareUnique) next.prepareUnique = true;
    else delete next.prepareUnique;
  }
  if (modification.forceNonUnique) {
    reply.forceNonUnique_new = true;
    delete next.unique;
  }
  index?.respec(next as unknown as IndexSpec);
  return reply;
}
