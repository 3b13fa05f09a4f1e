import type { Document } from 'bson';
import { CommandFailure, type CommandHandler } from '../command-types';
import { resizedCappedOptions } from '../engine/capped-limits';
import type { CollectionState } from '../engine/collection-state';
import {
  applyIndexModification,
  cannotConvertToUnique,
  planIndexModification,
  uniqueConversionViolations,
  type IndexModification,
} from '../engine/index-modification';
import { checkValidator } from '../engine/document-validation';
import { validateCollectionName } from '../engine/namespace';
import type { StandInStore } from '../engine/stand-in-store';
import { refuseViewCycle } from '../engine/view-cycle';
import type { ViewDefinition } from '../engine/view-definition';
import { ErrorCodes } from '../error-codes';
import { collectionArgument } from './command-args';
import { parseCollModRequest, type CollModRequest } from './coll-mod-request';

/** What a collMod command will do to a collection, every check passed. */
interface CollectionModification {
  readonly index?: IndexModification;
  /** The collection's new options, when they change. */
  readonly options?: Document;
}

const INTERNAL_DATABASES = new Set(['admin', 'local', 'config']);

const invalidOptions = (message: string) =>
  new CommandFailure(ErrorCodes.InvalidOptions, 'InvalidOptions', message);
const notOnView = (field: string) => invalidOptions(`option not supported on a view: ${field}`);
const onlyOnView = (field: string) => invalidOptions(`option only supported on a view: ${field}`);
const notOnTimeseries = (field: string) =>
  invalidOptions(`option not supported on a time-series collection: ${field}`);
const notImplemented = (message: string) =>
  new CommandFailure(ErrorCodes.NotImplemented, 'NotImplemented', message);

/**
 * Checks a collMod request against its target (a collection, or a view or nothing when
 * `collection` is undefined) in the order of mongod 7.0, and returns what it changes.
 * What mongod would do but the stand-in cannot (time-series and clustered collections) is refused with 238 NotImplemented, only once every check mongod
 * makes has passed, so that a request mongod refuses is refused with mongod's error.
 */
function planModification(
  request: CollModRequest,
  collection: CollectionState | undefined,
): CollectionModification {
  const isView = collection === undefined;
  const options = collection?.options ?? {};
  const capped = options.capped === true;
  const timeseries = options.timeseries !== undefined;
  let unsupported: CommandFailure | undefined;
  let requested = 0;
  let newOptions: Document | undefined;
  if (request.cappedSize !== undefined || request.cappedMax !== undefined) {
    if (isView) throw notOnView(request.cappedSize !== undefined ? 'cappedSize' : 'cappedMax');
    if (!capped) throw invalidOptions('Collection must be capped.');
    requested += Number(request.cappedSize !== undefined) + Number(request.cappedMax !== undefined);
    newOptions = resizedCappedOptions(options, {
      size: request.cappedSize,
      max: request.cappedMax,
    });
  }
  let index: IndexModification | undefined;
  if (request.index) {
    if (!collection) throw notOnView('index');
    index = planIndexModification(request.index, { collection, capped, timeseries });
    requested += index.requested;
  }
  for (const field of ['validator', 'validationLevel', 'validationAction'] as const) {
    if (request[field] === undefined) continue;
    if (isView) throw notOnView(field);
    if (timeseries) throw notOnTimeseries(field);
    requested += 1;
    if (field === 'validator') checkValidator(request.validator!);
    newOptions = { ...(newOptions ?? options), [field]: request[field] };
  }
  for (const field of ['pipeline', 'viewOn'] as const) {
    if (request[field] === undefined) continue;
    requested += 1;
    if (!isView) throw onlyOnView(field);
  }
  if (request.changeStreamPreAndPostImages) {
    if (isView) throw notOnView('changeStreamPreAndPostImages');
    if (timeseries) throw notOnTimeseries('changeStreamPreAndPostImages');
    requested += 1;
    newOptions = { ...(newOptions ?? options) };
    // Stored, as on a standalone, where no change stream can read the images anyway.
    if (request.changeStreamPreAndPostImages.enabled)
      newOptions.changeStreamPreAndPostImages = { enabled: true };
    else delete newOptions.changeStreamPreAndPostImages;
  }
  if (request.expireAfterSeconds !== undefined) {
    if (isView) throw notOnView('expireAfterSeconds');
    requested += 1;
    if (!timeseries && options.clusteredIndex === undefined) {
      throw invalidOptions(
        "'expireAfterSeconds' option is only supported on collections clustered by _id",
      );
    }
    unsupported ??= notImplemented(
      'the stand-in has no time-series or clustered collections: it cannot expire their documents',
    );
  }
  if (request.timeseries !== undefined) {
    requested += 1;
    if (!timeseries)
      throw invalidOptions('option only supported on a time-series collection: timeseries');
    unsupported ??= notImplemented('the stand-in has no time-series collections');
  }
  if (index?.prepareUnique !== undefined && requested > 1)
    throw invalidOptions('prepareUnique cannot be combined with any other modification.');
  if (unsupported) throw unsupported;
  return { index, options: newOptions };
}

/** `dryRun: true`: only checks that an index could become unique, changing nothing. */
function dryRun(
  request: CollModRequest,
  store: StandInStore,
  dbName: string,
  name: string,
): Document {
  if (!request.index) throw invalidOptions('dry run mode requires an valid index modification.');
  if (request.index.unique !== true)
    throw invalidOptions('dry run mode requires an index modification with unique: true.');
  // A missing collection goes on as a view would (mongod's check reads "not a collection").
  store.assertWritable(dbName, name);
  const collection = store.getCollection(dbName, name);
  const { index } = planModification(request, collection);
  if (index && index.requested > 1) {
    throw invalidOptions(
      'unique: true cannot be combined with any other modification in dry run mode.',
    );
  }
  const violations = collection && index ? uniqueConversionViolations(collection, index) : [];
  if (violations.length > 0) throw cannotConvertToUnique(violations);
  return {};
}

/**
 * Before converting an index to unique, mongod checks the collection exists (it must not be
 * a view) and scans the index for duplicates, with their own errors.
 */
function checkUniqueConversion(
  request: CollModRequest,
  store: StandInStore,
  dbName: string,
  name: string,
): void {
  const collection = store.getCollection(dbName, name);
  if (!collection) {
    store.assertWritable(dbName, name);
    throw new CommandFailure(
      ErrorCodes.NamespaceNotFound,
      'NamespaceNotFound',
      `ns does not exist for unique index conversion: ${dbName}.${name}`,
    );
  }
  const { index } = planModification(request, collection);
  const violations = index ? uniqueConversionViolations(collection, index) : [];
  if (violations.length > 0) throw cannotConvertToUnique(violations);
}

function modifyView(
  request: CollModRequest,
  store: StandInStore,
  dbName: string,
  view: ViewDefinition,
): Document {
  planModification(request, undefined);
  const viewOn = request.viewOn ?? view.viewOn;
  const pipeline = request.pipeline ?? [...view.pipeline];
  validateCollectionName(dbName, viewOn);
  refuseViewCycle(store, dbName, view.name, viewOn);
  store.replaceView(dbName, { name: view.name, viewOn, pipeline, options: { viewOn, pipeline } });
  return {};
}

/**
 * `collMod`: changes a collection's validation (`validator`, `validationLevel`,
 * `validationAction`, applied from the next write), its index options (`index: { name | keyPattern,
 * expireAfterSeconds, hidden, unique, prepareUnique, forceNonUnique }`, answering their old
 * and new values), its `changeStreamPreAndPostImages` option, a capped collection's bounds
 * (`cappedSize`, `cappedMax`: what exceeds them goes on the next insert), or a view's `viewOn` and
 * `pipeline`, as mongod 7.0 does; `dryRun` checks a unique conversion. A missing namespace
 * is 26 "ns does not exist"; a unique conversion over duplicates is 359 with the
 * violations. Options the stand-in cannot honour are refused (238), never stored unused.
 */
export const collModCommand: CommandHandler = (command, { dbName, store }) => {
  const name = collectionArgument(command, dbName);
  const request = parseCollModRequest(command);
  if (request.changeStreamPreAndPostImages?.enabled && INTERNAL_DATABASES.has(dbName)) {
    throw invalidOptions(
      `changeStreamPreAndPostImages collection option is not supported on the ${dbName} database`,
    );
  }
  if (request.dryRun) return dryRun(request, store, dbName, name);
  if (request.index?.unique === true) checkUniqueConversion(request, store, dbName, name);
  const collection = store.getCollection(dbName, name);
  if (!collection) {
    const view = store.getView(dbName, name);
    if (view) return modifyView(request, store, dbName, view);
    throw new CommandFailure(
      ErrorCodes.NamespaceNotFound,
      'NamespaceNotFound',
      'ns does not exist',
    );
  }
  const modification = planModification(request, collection);
  if (modification.options) collection.replaceOptions(modification.options);
  return modification.index ? applyIndexModification(modification.index) : {};
};
