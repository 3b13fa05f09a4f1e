import { isPlainDocument } from './bson-value';
import type { ChangeInput, ChangeLog } from './change-log';
import { splitNamespace } from './namespace';
import { describeUpdate } from './update-description';
import type { WriteEvent, WriteNotifier } from './write-notifier';

/**
 * Feeds the change log from the store's write notifications, as mongod's oplog receives
 * every write: inserts, updates (with what they changed) and replacements, deletes, drops,
 * renames and dropped databases. A capped collection's evictions are not changes a stream
 * shows (on a replica set each member evicts on its own), so they are not recorded. The
 * documents before and after an update, a replacement or a delete are kept only where
 * `keepsImagesOf(ns)` says the collection had `changeStreamPreAndPostImages` enabled at the
 * time of the write, as mongod keeps pre-images only then.
 * @returns a function that stops recording.
 */
export function recordChanges(
  writes: WriteNotifier,
  log: ChangeLog,
  keepsImagesOf: (ns: string) => boolean,
): () => void {
  return writes.subscribeAll((event) => {
    const change = changeOf(event, keepsImagesOf);
    if (change) log.record(change);
  });
}

/** Whether collection options enable change stream pre- and post-images. */
export function keepsImages(options: Readonly<Record<string, unknown>> | undefined): boolean {
  const images: unknown = options?.changeStreamPreAndPostImages;
  return isPlainDocument(images) && images.enabled === true;
}

function changeOf(
  event: WriteEvent,
  keepsImagesOf: (ns: string) => boolean,
): ChangeInput | undefined {
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
        // A replacement shows its document; an update's is a post-image, kept with pre-images.
        ...(event.replacement || keepsImagesOf(event.ns) ? { fullDocument: event.after } : {}),
        ...(keepsImagesOf(event.ns) ? { fullDocumentBeforeChange: event.before } : {}),
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
        ...(keepsImagesOf(event.ns) ? { fullDocumentBeforeChange: event.document } : {}),
      };
    case 'drop':
      return { operationType: 'drop', ns };
    case 'rename':
      return { operationType: 'rename', ns, to: splitNamespace(event.to) };
    case 'dropDatabase':
      return { operationType: 'dropDatabase', ns: { db: event.ns } };
  }
}
