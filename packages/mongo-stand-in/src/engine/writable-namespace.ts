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
const BAD_DB_CHARACTERS = /[/\\. "\0]/;

/**
 * Whether `db` is a database name mongod accepts: 1 to 63 characters, none of `/\. "` nor
 * NUL, and `$` only where `allowDollar` (commands naming an existing namespace allow it,
 * creating one does not).
 */
export function validDatabaseName(db: string, allowDollar: boolean): boolean {
  if (db === '' || db.length >= 64 || BAD_DB_CHARACTERS.test(db)) return false;
  return allowDollar || !db.includes('$');
}

/** Whether `collection` is a collection name mongod accepts (not empty, no leading dot, no `$` or NUL). */
export function validCollectionName(collection: string): boolean {
  return (
    collection !== '' &&
    !collection.startsWith('.') &&
    !collection.includes('$') &&
    !collection.includes('\0')
  );
}

function isLegalClientSystemCollection(db: string, collection: string): boolean {
  if (CLIENT_SYSTEM_COLLECTIONS.has(collection)) return true;
  if (CLIENT_SYSTEM_COLLECTIONS_OF[db]?.has(collection) === true) return true;
  return (
    collection.startsWith(BUCKETS_PREFIX) &&
    validCollectionName(collection.slice(BUCKETS_PREFIX.length))
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
  if (!validDatabaseName(db, false)) return `Invalid namespace: ${ns}`;
  if (!validCollectionName(collection)) return `Invalid collection name: ${collection}`;
  if (collection.startsWith('system.') && !isLegalClientSystemCollection(db, collection))
    return `Invalid system namespace: ${ns}`;
  return undefined;
}
