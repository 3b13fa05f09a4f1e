import type { Binary } from 'bson';
import { bsonTag, isPlainDocument } from './bson-value';

/**
 * The key of a logical session: its `lsid.id` (a UUID) as hex, or undefined when `lsid` is
 * not a session id document (the stand-in then treats the command as outside any session).
 */
export function sessionKeyOf(lsid: unknown): string | undefined {
  if (!isPlainDocument(lsid)) return undefined;
  const id: unknown = lsid.id;
  return bsonTag(id) === 'Binary' ? (id as Binary).toString('hex') : undefined;
}
