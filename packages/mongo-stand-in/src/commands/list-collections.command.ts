import type { Document } from 'bson';
import type { CommandHandler } from '../command-types';
import { cloneValue } from '../engine/bson-clone';
import { validateDatabaseName } from '../engine/namespace';
import { compileFilter } from '../engine/query-matcher';
import { cursorBatchSize, optionalBoolean, optionalDocument } from './command-args';
import { cursorReply } from './cursor-reply';

/**
 * `listCollections`: a cursor over the database's collections and views as mongod
 * describes them (`{ name, type, options, info: { readOnly, uuid }, idIndex }`), filtered
 * by `filter`; `nameOnly` keeps `name` and `type`. `authorizedCollections` changes nothing.
 */
export const listCollectionsCommand: CommandHandler = (
  command,
  { dbName, store, connectionId, sessionKey },
) => {
  validateDatabaseName(dbName);
  const matcher = compileFilter(optionalDocument(command, 'filter'));
  const nameOnly = optionalBoolean(command, 'nameOnly') ?? false;
  const entries: Document[] = [
    ...store.collections(dbName).map((collection) =>
      collection.options.timeseries === undefined
        ? {
            name: collection.name,
            type: 'collection',
            options: cloneValue({ ...collection.options }),
            info: { readOnly: false, uuid: collection.uuid },
            idIndex: { v: 2, key: { _id: 1 }, name: '_id_' },
          }
        : {
            // mongod's view of its buckets: no uuid and no _id index of its own.
            name: collection.name,
            type: 'timeseries',
            options: cloneValue({ ...collection.options }),
            info: { readOnly: false },
          },
    ),
    ...store.views(dbName).map((view) => ({
      name: view.name,
      type: 'view',
      options: cloneValue({ ...view.options }),
      info: { readOnly: true },
    })),
  ];
  const listed = entries
    .filter(matcher)
    .map((entry) => (nameOnly ? { name: entry.name, type: entry.type } : entry));
  const batch = store.cursors.open(`${dbName}.$cmd.listCollections`, listed, {
    batchSize: cursorBatchSize(command),
    connectionId,
    sessionKey,
  });
  return cursorReply(batch, 'firstBatch');
};
