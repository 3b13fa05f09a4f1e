import { CommandFailure, type CommandHandler } from '../command-types';
import type { CollectionState } from '../engine/collection-state';
import { isPlainDocument } from '../engine/bson-value';
import { formatValue } from '../engine/value-format';
import { collectionArgument } from './command-args';

function namesToDrop(collection: CollectionState, index: unknown): string[] {
  if (index === '*')
    return collection
      .indexSpecs()
      .slice(1)
      .map((spec) => spec.name);
  if (isPlainDocument(index)) {
    const names = collection.findIndexByKey(index);
    if (names.length === 0)
      throw new CommandFailure(
        27,
        'IndexNotFound',
        `can't find index with key: ${formatValue(index)}`,
      );
    if (names.length > 1) {
      throw new CommandFailure(
        86,
        'IndexKeySpecsConflict',
        `${names.length} indexes found for key: ${formatValue(index)}, identify by name instead. Conflicting indexes: ${names.join(', ')}`,
      );
    }
    return names;
  }
  const names = Array.isArray(index) ? index : [index];
  const existing = new Set(collection.indexSpecs().map((spec) => spec.name));
  for (const name of names) {
    if (typeof name !== 'string')
      throw new CommandFailure(
        14,
        'TypeMismatch',
        "BSON field 'dropIndexes.index' must be a string, an object or an array of strings",
      );
    if (!existing.has(name))
      throw new CommandFailure(27, 'IndexNotFound', `index not found with name [${name}]`);
  }
  return names as string[];
}

/**
 * `dropIndexes`: drops indexes by name, by key pattern, `'*'` (all but `_id_`) or a list of
 * names (all or none). `_id_` cannot be dropped (72); a missing index is 27 IndexNotFound.
 */
export const dropIndexesCommand: CommandHandler = (command, { dbName, store }) => {
  const name = collectionArgument(command, dbName);
  const collection = store.getCollection(dbName, name);
  if (!collection)
    throw new CommandFailure(26, 'NamespaceNotFound', `ns not found ${dbName}.${name}`);
  const nIndexesWas = collection.indexSpecs().length;
  const names = namesToDrop(collection, command.index);
  if (names.includes('_id_'))
    throw new CommandFailure(72, 'InvalidOptions', 'cannot drop _id index');
  for (const indexName of names) collection.dropIndex(indexName);
  return { nIndexesWas };
};
