import { createHash } from 'node:crypto';
import { BSON, type Db } from 'mongodb';

/** What a database holds: each collection's document count and a hash of its documents. */
export type StorageSnapshot = ReadonlyMap<
  string,
  { readonly count: number; readonly hash: string }
>;

/** Reads every collection of `db` (small ones: the bad-input scenario's). */
export async function snapshotStorage(db: Db): Promise<StorageSnapshot> {
  const names = (await db.listCollections({}, { nameOnly: true }).toArray())
    .map((collection) => collection.name)
    .sort();
  const snapshot = new Map<string, { count: number; hash: string }>();
  for (const name of names) {
    const documents = await db.collection(name).find().sort({ _id: 1 }).toArray();
    const hash = createHash('sha256');
    for (const document of documents) hash.update(BSON.serialize(document));
    snapshot.set(name, { count: documents.length, hash: hash.digest('hex').slice(0, 16) });
  }
  return snapshot;
}

/** What differs between two snapshots (empty when nothing changed). */
export function storageChanges(before: StorageSnapshot, after: StorageSnapshot): string[] {
  const changes: string[] = [];
  for (const name of new Set([...before.keys(), ...after.keys()])) {
    const was = before.get(name);
    const is = after.get(name);
    if (was === undefined) changes.push(`${name} created with ${is!.count} documents`);
    else if (is === undefined) changes.push(`${name} dropped`);
    else if (was.count !== is.count) changes.push(`${name}: ${was.count} → ${is.count} documents`);
    else if (was.hash !== is.hash) changes.push(`${name}: a document changed`);
  }
  return changes;
}
