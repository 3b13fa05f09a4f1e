import { CommandFailure } from '../command-types';
import { ErrorCodes } from '../error-codes';
import type { CollectionState } from './collection-state';
import type { CollectionNamespace } from './namespace';
import type { StandInStore } from './stand-in-store';

type Document = Record<string, unknown>;

export type { CollectionNamespace } from './namespace';

/** What `renameCollection` asks for, its namespaces already validated. */
export interface RenameRequest {
  readonly source: CollectionNamespace;
  readonly target: CollectionNamespace;
  /** Drop the target collection if it exists (a view is never dropped). */
  readonly dropTarget: boolean;
  /** Keep the `temp` option of a temporary collection (mongod clears it otherwise). */
  readonly stayTemp: boolean;
}

/**
 * Checks a rename within one database as mongod does, in its order, and returns the source
 * collection and the target collection to drop, if any. The errors differ from those of a
 * rename across databases, which mongod runs in other code.
 */
function checkWithinDatabase(
  store: StandInStore,
  { source, target, dropTarget }: RenameRequest,
): { collection: CollectionState; replaced?: CollectionState } {
  if (!store.databaseNames().includes(source.db)) {
    throw new CommandFailure(
      ErrorCodes.NamespaceNotFound,
      'NamespaceNotFound',
      `Database ${source.db} does not exist or is drop pending`,
    );
  }
  const collection = store.getCollection(source.db, source.coll);
  if (!collection) {
    if (store.getView(source.db, source.coll)) throw cannotRenameView(source);
    throw new CommandFailure(
      ErrorCodes.NamespaceNotFound,
      'NamespaceNotFound',
      `Source collection ${source.db}.${source.coll} does not exist`,
    );
  }
  return { collection, replaced: checkTarget(store, target, dropTarget) };
}

function checkBetweenDatabases(
  store: StandInStore,
  { source, target, dropTarget }: RenameRequest,
): { collection: CollectionState; replaced?: CollectionState } {
  const sourceMissing = new CommandFailure(
    ErrorCodes.NamespaceNotFound,
    'NamespaceNotFound',
    'source namespace does not exist',
  );
  if (!store.databaseNames().includes(source.db)) throw sourceMissing;
  const collection = store.getCollection(source.db, source.coll);
  if (!collection) {
    if (store.getView(source.db, source.coll)) throw cannotRenameView(source);
    throw sourceMissing;
  }
  return { collection, replaced: checkTarget(store, target, dropTarget) };
}

function checkTarget(
  store: StandInStore,
  target: CollectionNamespace,
  dropTarget: boolean,
): CollectionState | undefined {
  const existing = store.getCollection(target.db, target.coll);
  if (existing) {
    if (!dropTarget)
      throw new CommandFailure(
        ErrorCodes.NamespaceExists,
        'NamespaceExists',
        'target namespace exists',
      );
    return existing;
  }
  if (store.getView(target.db, target.coll)) {
    throw new CommandFailure(
      ErrorCodes.NamespaceExists,
      'NamespaceExists',
      `a view already exists with that name: ${target.db}.${target.coll}`,
    );
  }
  return undefined;
}

function cannotRenameView(source: CollectionNamespace): CommandFailure {
  return new CommandFailure(
    ErrorCodes.CommandNotSupportedOnView,
    'CommandNotSupportedOnView',
    `cannot rename view: ${source.db}.${source.coll}`,
  );
}

/**
 * Renames a collection, within its database or into another, as a standalone mongod 7.0
 * does: its documents, indexes and options (capped, validator...) move with it; `temp` is
 * cleared unless `stayTemp`; an existing target is dropped first with `dropTarget`, never
 * otherwise. Views keep naming the old namespace. Every check runs before anything changes,
 * so a refused rename changes nothing.
 *
 * Cursors open on the source die as mongod's query plans do: their next getMore fails with
 * 175 QueryPlanKilled, "collection renamed" within a database, "collection dropped" across
 * databases (where mongod copies the collection, then drops the source). Those of a dropped
 * target end as any dropped collection's do.
 *
 * @throws CommandFailure 26 when the source does not exist, 166 when it is a view, 48 when
 *   the target exists (without `dropTarget`) or is a view.
 */
export function renameCollection(store: StandInStore, request: RenameRequest): void {
  const { source, target, stayTemp } = request;
  const withinDatabase = source.db === target.db;
  const { collection, replaced } = withinDatabase
    ? checkWithinDatabase(store, request)
    : checkBetweenDatabases(store, request);
  const options: Document = { ...collection.options };
  if (!stayTemp) delete options.temp;
  if (replaced) store.drop(target.db, target.coll);
  store.moveCollection(collection, target.db, target.coll, options);
  const uuid = collection.uuid.toHexString();
  const killed = withinDatabase
    ? `collection renamed from '${source.db}.${source.coll}' to '${target.db}.${target.coll}'. UUID ${uuid}`
    : `collection dropped. UUID ${uuid}`;
  store.cursors.invalidateForNamespace(
    source.db,
    source.coll,
    new CommandFailure(ErrorCodes.QueryPlanKilled, 'QueryPlanKilled', killed),
  );
}
