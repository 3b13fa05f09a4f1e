import type { Binary } from 'bson';
import { bsonTag, isPlainDocument } from './bson-value';

/** The id of a logical session (`lsid.id`, a UUID), or undefined when `lsid` names none. */
export function sessionIdOf(lsid: unknown): Binary | undefined {
  if (!isPlainDocument(lsid)) return undefined;
  const id: unknown = lsid.id;
  return bsonTag(id) === 'Binary' ? (id as Binary) : undefined;
}

/**
 * The key of a logical session: its `lsid.id` (a UUID) as hex, or undefined when `lsid` is
 * not a session id document (the stand-in then treats the command as outside any session).
 */
export function sessionKeyOf(lsid: unknown): string | undefined {
  return sessionIdOf(lsid)?.toString('hex');
}
