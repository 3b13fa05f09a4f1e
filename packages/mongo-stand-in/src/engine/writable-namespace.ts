import { isValidCollectionName, isValidDatabaseName } from './namespace';

/** System collections a client may write to, in any database. */
const CLIENT_SYSTEM_COLLECTIONS = new Set(['system.users', 'system.js', 'system.views']);
/** ...and those it may write to in one database only. */
const CLIENT_SYSTEM_COLLECTIONS_OF: Readonly<Record<string, ReadonlySet<string>>> = {
  admin: new Set([
    'system.roles',
    'system.version',
    'system.keys',
    'system.backup_users',
    'system.new_users',
  ]),
  config: new Set(['system.sessions', 'system.indexBuilds']),
  local: new Set(['system.replset', 'system.healthlog']),
};
const BUCKETS_PREFIX = 'system.buckets.';
function isLegalClientSystemCollection(db: string, collection: string): boolean {
  if (CLIENT_SYSTEM_COLLECTIONS.has(collection)) return true;
  if (CLIENT_SYSTEM_COLLECTIONS_OF[db]?.has(collection) === true) return true;
  return (
    collection.startsWith(BUCKETS_PREFIX) &&
    isValidCollectionName(collection.slice(BUCKETS_PREFIX.length))
  );
}

/**
 * Why a client may not write to `db.collection`, in mongod's words, or undefined when it
 * may: `system.profile` and `system.views` are the server's own, other `system.`
 * collections are refused unless clients may keep them (`system.js`, `admin.system.roles`...).
 * The namespace length is not checked: the stand-in limits it nowhere else either.
 */
export function unwritableNamespaceReason(db: string, collection: string): string | undefined {
  const ns = `${db}.${collection}`;
  if (collection === 'system.profile' || collection === 'system.views')
    return `cannot write to ${ns}`;
  if (!isValidDatabaseName(db)) return `Invalid namespace: ${ns}`;
  if (!isValidCollectionName(collection)) return `Invalid collection name: ${collection}`;
  if (collection.startsWith('system.') && !isLegalClientSystemCollection(db, collection))
    return `Invalid system namespace: ${ns}`;
  return undefined;
}
