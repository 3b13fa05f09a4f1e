import type { ChangeInput, ChangeLog } from './change-log';
import { splitNamespace } from './namespace';
import { describeUpdate } from './update-description';
import type { WriteEvent, WriteNotifier } from './write-notifier';

/**
 * Feeds the change log from the store's write notifications, as mongod's oplog receives
 * every write: inserts, updates (with what they changed) and replacements, deletes, drops
 * and renames. A capped collection's evictions are not changes a stream shows (on a replica
 * set each member evicts on its own), so they are not recorded.
 * @returns a function that stops recording.
 */
export function recordChanges(writes: WriteNotifier, log: ChangeLog): () => void {
  return writes.subscribeAll((event) => {
    const change = changeOf(event);
    if (change) log.record(change);
  });
}

function changeOf(event: WriteEvent): ChangeInput | undefined {
  const ns = splitNamespace(event.ns);
  switch (event.kind) {
    case 'insert':
      return {
        operationType: 'insert',
        ns,
        documentKey: { _id: event.document._id },
        fullDocument: event.document,
      };
    case 'update':
      return {
        operationType: event.replacement ? 'replace' : 'update',
        ns,
        documentKey: { _id: event.after._id },
        fullDocument: event.after,
        fullDocumentBeforeChange: event.before,
        ...(event.replacement
          ? {}
          : { updateDescription: describeUpdate(event.before, event.after) }),
      };
    case 'delete':
      if (event.evicted) return undefined;
      return {
        operationType: 'delete',
        ns,
        documentKey: { _id: event.document._id },
        fullDocumentBeforeChange: event.document,
      };
    case 'drop':
      return { operationType: 'drop', ns };
    case 'rename':
      return { operationType: 'rename', ns, to: splitNamespace(event.to) };
    case 'dropDatabase':
      return { operationType: 'dropDatabase', ns: { db: event.ns } };
  }
}
