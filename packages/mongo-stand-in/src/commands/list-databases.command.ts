import { calculateObjectSize, type Document } from 'bson';
import type { CommandHandler } from '../command-types';
import type { StandInStore } from '../engine/stand-in-store';
import { compileFilter } from '../engine/query-matcher';
import { optionalBoolean, optionalDocument } from './command-args';

/** The databases a fresh mongod already lists, with the sizes it typically reports. */
const SYSTEM_DATABASES: ReadonlyArray<readonly [string, number]> = [
  ['admin', 40_960],
  ['config', 36_864],
  ['local', 73_728],
];
const PAGE = 4_096;

function estimatedSize(store: StandInStore, dbName: string): number {
  let bytes = 0;
  for (const collection of store.collections(dbName)) {
    bytes += PAGE * collection.indexSpecs().length;
    for (const document of collection.all()) bytes += calculateObjectSize(document);
  }
  return Math.max(PAGE, Math.ceil(bytes / PAGE) * PAGE);
}

/**
 * `listDatabases`: admin, config and local (as a fresh mongod shows them) plus every
 * database holding a collection or view, with an estimated `sizeOnDisk`; `filter` and
 * `nameOnly` as in mongod.
 */
export const listDatabasesCommand: CommandHandler = (command, { store }) => {
  const matcher = compileFilter(optionalDocument(command, 'filter'));
  const nameOnly = optionalBoolean(command, 'nameOnly') ?? false;
  const sizes = new Map<string, number>(SYSTEM_DATABASES);
  for (const name of store.databaseNames()) sizes.set(name, estimatedSize(store, name));
  const databases: Document[] = [...sizes]
    .map(([name, sizeOnDisk]) => ({ name, sizeOnDisk, empty: false }))
    .filter(matcher);
  if (nameOnly) return { databases: databases.map((database) => ({ name: database.name })) };
  const totalSize = databases.reduce((sum, database) => sum + (database.sizeOnDisk as number), 0);
  return { databases, totalSize, totalSizeMb: Math.floor(totalSize / (1024 * 1024)) };
};
