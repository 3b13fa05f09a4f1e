import { CommandFailure, type CommandHandler } from '../command-types';
import { bsonTag, bsonTypeOf, binarySubtype } from '../engine/bson-value';
import { renameCollection, type CollectionNamespace } from '../engine/collection-rename';
import { unwritableNamespaceReason } from '../engine/writable-namespace';
import { isValidDatabaseName, splitNamespace } from '../engine/namespace';
import { ErrorCodes } from '../error-codes';
import { wrongFieldType } from './command-args';

const UUID_SUBTYPE = 4;

const wrongRenameType = (field: string, value: unknown, expected: string): CommandFailure =>
  wrongFieldType(`renameCollection.${field}`, value, expected);

/** mongod's test of a namespace a command may name: a valid database and some collection. */
function isValidNamespace({ db, coll }: CollectionNamespace): boolean {
  return isValidDatabaseName(db, true) && coll !== '';
}

/** The source, the command's own value: checked like every fully qualified namespace. */
function sourceNamespace(value: unknown): CollectionNamespace {
  if (typeof value !== 'string') {
    throw new CommandFailure(
      ErrorCodes.BadValue,
      'BadValue',
      `collection name has invalid type ${bsonTypeOf(value)}`,
    );
  }
  const source = splitNamespace(value);
  if (!isValidNamespace(source)) {
    throw new CommandFailure(
      ErrorCodes.InvalidNamespace,
      'InvalidNamespace',
      `Invalid namespace specified '${value}'`,
    );
  }
  return source;
}

function targetNamespace(value: unknown): string {
  if (value === undefined) {
    throw new CommandFailure(
      40414,
      'Location40414',
      "BSON field 'renameCollection.to' is missing but a required field",
    );
  }
  if (typeof value !== 'string') throw wrongRenameType('to', value, "type 'string'");
  return value;
}

/** `dropTarget` is a boolean, or the UUID of the collection to drop (drop it then). */
function dropTargetOption(value: unknown): { dropTarget: boolean; expectsUuid: boolean } {
  if (value === undefined) return { dropTarget: false, expectsUuid: false };
  if (typeof value === 'boolean') return { dropTarget: value, expectsUuid: false };
  if (bsonTag(value) === 'Binary' && binarySubtype(value) === UUID_SUBTYPE)
    return { dropTarget: true, expectsUuid: true };
  throw wrongRenameType('dropTarget', value, "types '[bool, binData]'");
}

function stayTempOption(value: unknown): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw wrongRenameType('stayTemp', value, "type 'bool'");
  return value;
}

const isOplog = ({ db, coll }: CollectionNamespace): boolean =>
  db === 'local' && coll.startsWith('oplog.');

/** What mongod refuses to rename from or to, whether or not the collections exist. */
function refuseUnrenamable(source: CollectionNamespace, target: CollectionNamespace): void {
  const illegal = (message: string) =>
    new CommandFailure(ErrorCodes.IllegalOperation, 'IllegalOperation', message);
  if (!isValidNamespace(target)) {
    throw new CommandFailure(
      ErrorCodes.InvalidNamespace,
      'InvalidNamespace',
      `Invalid target namespace: ${target.db}.${target.coll}`,
    );
  }
  if (isOplog(source) !== isOplog(target))
    throw illegal('If either the source or target of a rename is an oplog name, both must be');
  const sourceReason = unwritableNamespaceReason(source.db, source.coll);
  if (sourceReason) throw illegal(`error with source namespace: ${sourceReason}`);
  const targetReason = unwritableNamespaceReason(target.db, target.coll);
  if (targetReason) throw illegal(`error with target namespace: ${targetReason}`);
  if (source.db === 'admin' && source.coll === 'system.version') {
    throw illegal(
      'renaming the server configuration collection (admin.system.version) is not allowed',
    );
  }
  if (source.coll === 'system.js' || target.coll === 'system.js')
    throw illegal('renaming system.js collection or renaming to system.js is not allowed');
  if (source.coll.startsWith('system.buckets.'))
    throw illegal('Renaming system.buckets collections is not allowed');
}

/**
 * `renameCollection` (admin only): `{ renameCollection: 'db.from', to: 'db.to', dropTarget?,
 * stayTemp? }`, within a database or, on a standalone, across databases. Refuses, as mongod
 * 7.0 does, a rename to the same namespace (20 IllegalOperation), an invalid target (73),
 * `system.` collections clients may not write (20), an expected UUID across databases (72),
 * then what {@link renameCollection} refuses. Reply `{}`.
 */
export const renameCollectionCommand: CommandHandler = (command, { store }) => {
  const source = sourceNamespace(command.renameCollection);
  const to = targetNamespace(command.to);
  const { dropTarget, expectsUuid } = dropTargetOption(command.dropTarget);
  const stayTemp = stayTempOption(command.stayTemp);
  if (command.renameCollection === to) {
    throw new CommandFailure(
      ErrorCodes.IllegalOperation,
      'IllegalOperation',
      "Can't rename a collection to itself",
    );
  }
  const target = splitNamespace(to);
  refuseUnrenamable(source, target);
  if (source.db !== target.db && (expectsUuid || command.collectionUUID !== undefined)) {
    throw new CommandFailure(
      ErrorCodes.InvalidOptions,
      'InvalidOptions',
      'Cannot provide an expected collection UUID when renaming between databases',
    );
  }
  renameCollection(store, { source, target, dropTarget, stayTemp });
  return {};
};
