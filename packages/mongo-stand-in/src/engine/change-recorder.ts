import type { ChangeInput, ChangeLog, EventNamespace } from './change-log';
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
  const ns = namespaceOf(event.ns);
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
      return { operationType: 'rename', ns, to: namespaceOf(event.to) };
  }
}

/** `db.coll` as change events name it (the collection may hold dots; the database cannot). */
function namespaceOf(ns: string): EventNamespace {
  const dot = ns.indexOf('.');
  return dot < 0 ? { db: ns } : { db: ns.slice(0, dot), coll: ns.slice(dot + 1) };
}
