import { isPlainDocument } from './bson-value';
import type { ChangeInput, ChangeLog, EventNamespace } from './change-log';
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
  const namespaces = new NamespaceNames();
  return writes.subscribeAll((event) => {
    const change = changeOf(event, namespaces.of(event.ns), keepsImagesOf);
    if (change) log.record(change);
  });
}

/** Namespaces as events name them, made once per namespace (changes share them, unchanged). */
class NamespaceNames {
  private readonly names = new Map<string, EventNamespace>();

  of(ns: string): EventNamespace {
    let name = this.names.get(ns);
    if (name === undefined) {
      const { db, coll } = splitNamespace(ns);
      name = Object.freeze(coll === '' ? { db } : { db, coll });
      // Bounded like the namespaces a test run creates; past that, names are made anew.
      if (this.names.size < 10_000) this.names.set(ns, name);
    }
    return name;
  }
}

/** Whether collection options enable change stream pre- and post-images. */
export function keepsImages(options: Readonly<Record<string, unknown>> | undefined): boolean {
  const images: unknown = options?.changeStreamPreAndPostImages;
  return isPlainDocument(images) && images.enabled === true;
}

function changeOf(
  event: WriteEvent,
  ns: EventNamespace,
  keepsImagesOf: (ns: string) => boolean,
): ChangeInput | undefined {
  switch (event.kind) {
    case 'insert':
      return {
        operationType: 'insert',
        ns,
        documentKey: { _id: event.document._id },
        fullDocument: event.document,
      };
    case 'update': {
      const images = keepsImagesOf(event.ns);
      // A replacement shows its document; an update's is a post-image, kept with pre-images.
      return {
        operationType: event.replacement ? 'replace' : 'update',
        ns,
        documentKey: { _id: event.after._id },
        fullDocument: event.replacement || images ? event.after : undefined,
        fullDocumentBeforeChange: images ? event.before : undefined,
        updateDescription: event.replacement
          ? undefined
          : describeUpdate(event.before, event.after),
      };
    }
    case 'delete':
      if (event.evicted) return undefined;
      return {
        operationType: 'delete',
        ns,
        documentKey: { _id: event.document._id },
        fullDocumentBeforeChange: keepsImagesOf(event.ns) ? event.document : undefined,
      };
    case 'drop':
      return { operationType: 'drop', ns };
    case 'rename':
      return { operationType: 'rename', ns, to: splitNamespace(event.to) };
    case 'dropDatabase':
      return { operationType: 'dropDatabase', ns };
  }
}
