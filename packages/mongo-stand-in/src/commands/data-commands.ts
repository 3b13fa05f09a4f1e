import type { CommandHandler } from '../command-types';
import { aggregateCommand } from './aggregate.command';
import {
  cloneCollectionAsCappedCommand,
  convertToCappedCommand,
} from './capped-conversion.command';
import { collModCommand } from './coll-mod.command';
import { countCommand } from './count.command';
import { createIndexesCommand } from './create-indexes.command';
import { createCommand } from './create.command';
import { deleteCommand } from './delete.command';
import { distinctCommand } from './distinct.command';
import { dropDatabaseCommand } from './drop-database.command';
import { dropIndexesCommand } from './drop-indexes.command';
import { dropCommand } from './drop.command';
import { explainCommand } from './explain.command';
import { findAndModifyCommand } from './find-and-modify.command';
import { findCommand } from './find.command';
import { getMoreCommand } from './get-more.command';
import { insertCommand } from './insert.command';
import { killCursorsCommand } from './kill-cursors.command';
import { listCollectionsCommand } from './list-collections.command';
import { listDatabasesCommand } from './list-databases.command';
import { listIndexesCommand } from './list-indexes.command';
import { renameCollectionCommand } from './rename-collection.command';
import { sessionCommands } from './session-commands';
import { updateCommand } from './update.command';

/**
 * The stand-in's data commands, keyed by the exact command name the driver sends (the
 * first key of the command document). The router adds `ok: 1` to what a handler returns
 * and turns a thrown CommandFailure into `ok: 0`.
 */
export const dataCommands: Readonly<Record<string, CommandHandler>> = Object.freeze({
  insert: insertCommand,
  update: updateCommand,
  delete: deleteCommand,
  find: findCommand,
  getMore: getMoreCommand,
  killCursors: killCursorsCommand,
  findAndModify: findAndModifyCommand,
  count: countCommand,
  distinct: distinctCommand,
  aggregate: aggregateCommand,
  createIndexes: createIndexesCommand,
  listIndexes: listIndexesCommand,
  dropIndexes: dropIndexesCommand,
  listCollections: listCollectionsCommand,
  create: createCommand,
  drop: dropCommand,
  renameCollection: renameCollectionCommand,
  collMod: collModCommand,
  convertToCapped: convertToCappedCommand,
  cloneCollectionAsCapped: cloneCollectionAsCappedCommand,
  dropDatabase: dropDatabaseCommand,
  explain: explainCommand,
  listDatabases: listDatabasesCommand,
  ...sessionCommands,
});
