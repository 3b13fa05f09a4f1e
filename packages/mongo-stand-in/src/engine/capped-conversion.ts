import { CommandFailure } from '../command-types';
import { ErrorCodes } from '../error-codes';
import { MAX_CAPPED_SIZE, storedBound } from './capped-limits';
import { renameCollection } from './collection-rename';
import type { StandInStore } from './stand-in-store';

type Document = Record<string, unknown>;

/** Characters of mongod's generated temporary names (`tmp%%%%%.convertToCapped.<name>`). */
const TEMP_NAME_CHARACTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/**
 * The options of a capped copy of a collection: its own, made capped with `size` (its `max`
 * kept when it had one), `temp` when asked, in the order mongod lists them.
 */
function cappedCopyOptions(source: Readonly<Document>, size: number, temp: boolean): Document {
  const { capped: _capped, size: _size, max, ...others } = source;
  const options: Document = { capped: true, size: storedBound(size) };
  if (source.capped === true && max !== undefined) options.max = max;
  if (temp) options.temp = true;
  return { ...options, ...others };
}

/**
 * Copies collection `from` of `dbName` into a new capped collection `to` of `size` bytes,
 * as mongod 7.0's cloneCollectionAsCapped does: the documents in natural order, the newest
 * kept when they do not all fit; the `_id` index only; the other options kept.
 *
 * @throws CommandFailure 166 for a view, 26 for a missing source, 48 for an existing
 *   target, 2 for a size below 0 or above 1 PB, with mongod's messages and in its order.
 */
export function cloneCollectionAsCapped(
  store: StandInStore,
  dbName: string,
  from: string,
  to: string,
  size: number,
  temp: boolean,
): void {
  const source = store.getCollection(dbName, from);
  if (!source) {
    if (store.getView(dbName, from)) {
      throw new CommandFailure(
        ErrorCodes.CommandNotSupportedOnView,
        'CommandNotSupportedOnView',
        `cloneCollectionAsCapped not supported for views: ${dbName}.${from}`,
      );
    }
    throw new CommandFailure(
      ErrorCodes.NamespaceNotFound,
      'NamespaceNotFound',
      `source collection ${dbName}.${from} does not exist`,
    );
  }
  if (store.getCollection(dbName, to)) {
    throw new CommandFailure(
      ErrorCodes.NamespaceExists,
      'NamespaceExists',
      `cloneCollectionAsCapped failed - destination collection ${dbName}.${to} already exists. source collection: ${dbName}.${from}`,
    );
  }
  if (size < 0) throw new CommandFailure(ErrorCodes.BadValue, 'BadValue', 'size has to be >= 0');
  if (size > MAX_CAPPED_SIZE)
    throw new CommandFailure(ErrorCodes.BadValue, 'BadValue', 'size cannot exceed 1 PB');
  const target = store.createCollection(dbName, to, cappedCopyOptions(source.options, size, temp));
  // Stored documents are never mutated in place, so both collections may share them.
  for (const document of [...source.all()]) target.insert(document);
}

/**
 * Makes collection `name` of `dbName` capped, as mongod 7.0's convertToCapped does: a
 * capped copy under a temporary name (see {@link cloneCollectionAsCapped}) then renamed
 * over the original, which is dropped. So the collection gets a new UUID, keeps only its
 * `_id` index, and its open cursors die (175 QueryPlanKilled).
 *
 * @throws CommandFailure 26 for a missing database or collection, 166 for a view, 2 for a
 *   size out of range.
 */
export function convertToCapped(
  store: StandInStore,
  dbName: string,
  name: string,
  size: number,
): void {
  if (!store.databaseNames().includes(dbName)) {
    throw new CommandFailure(
      ErrorCodes.NamespaceNotFound,
      'NamespaceNotFound',
      `database ${dbName} not found`,
    );
  }
  let temporary: string;
  do {
    temporary = `tmp${randomCharacters(5)}.convertToCapped.${name}`;
  } while (store.getCollection(dbName, temporary) || store.getView(dbName, temporary));
  cloneCollectionAsCapped(store, dbName, name, temporary, size, true);
  renameCollection(store, {
    source: { db: dbName, coll: temporary },
    target: { db: dbName, coll: name },
    dropTarget: true,
    stayTemp: false,
  });
}

function randomCharacters(count: number): string {
  let text = '';
  for (let i = 0; i < count; i++) {
    text += TEMP_NAME_CHARACTERS[Math.floor(Math.random() * TEMP_NAME_CHARACTERS.length)];
  }
  return text;
}
