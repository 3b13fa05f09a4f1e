import { createHash } from 'node:crypto';
import { Binary, type Document, type Long } from 'bson';
import { CommandFailure, unknownField } from '../command-types';
import { isPlainDocument } from './bson-value';
import { sessionIdOf, sessionKeyOf } from './session-key';
import type { Transaction } from './transaction';

/*
 * mongod's logical session cache, as `$listLocalSessions` shows it: every session a command
 * carried (`lsid`) since it was last ended or expired, with when it was last used. Without
 * authentication every session belongs to the same user, whose digest (`uid`) is the
 * SHA-256 of nothing. The cache is bounded as mongod's is (`maxSessions`). A session also
 * keeps its latest retryable write and its latest transaction; ending or expiring it aborts
 * that transaction when it is still open.
 */

/** mongod's `maxSessions` default. */
export const DEFAULT_MAX_SESSIONS = 1_000_000;

/** The user digest of sessions opened without authentication. */
const NO_AUTH_DIGEST = createHash('sha256').digest();

/** The latest retryable write of a session and its reply (see retryable-writes.ts). */
export interface RetryableWriteRecord {
  readonly txnNumber: Long;
  readonly commandName: string;
  readonly reply: Document;
}

interface SessionRecord {
  readonly id: Binary;
  /** When it was last used, in epoch milliseconds (a Date only when listed). */
  lastUseMs: number;
  retryableWrite?: RetryableWriteRecord;
  transaction?: Transaction;
}

export class LocalSessionCache {
  private readonly sessions = new Map<string, SessionRecord>();

  constructor(
    private readonly maxSessions = DEFAULT_MAX_SESSIONS,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.sessions.size;
  }

  /**
   * Records a use of the session `lsid` names (nothing when it names none); `key` is its
   * key when the caller already has it (the connection works it out for every command).
   * @throws CommandFailure 261 when a new session would pass `maxSessions`.
   */
  touch(lsid: unknown, key: string | undefined = this.keyOf(lsid)): void {
    if (key === undefined) return;
    const record = this.sessions.get(key);
    if (record) {
      record.lastUseMs = this.now();
      return;
    }
    if (this.sessions.size >= this.maxSessions) {
      throw new CommandFailure(
        261,
        'TooManyLogicalSessions',
        `Unable to add session into the cache because the number of active sessions is too high`,
      );
    }
    const id = sessionIdOf(lsid);
    if (id !== undefined) this.sessions.set(key, { id, lastUseMs: this.now() });
  }

  /** The key of the session `lsid` names (its id as hex), or undefined. */
  keyOf(lsid: unknown): string | undefined {
    return sessionKeyOf(lsid);
  }

  /** The latest retryable write of a session in use, if it made one. */
  retryableWrite(key: string): RetryableWriteRecord | undefined {
    return this.sessions.get(key)?.retryableWrite;
  }

  /** Remembers a session's latest retryable write (nothing when the session is not in use). */
  recordRetryableWrite(key: string, record: RetryableWriteRecord): void {
    const session = this.sessions.get(key);
    if (session) session.retryableWrite = record;
  }

  /** The latest transaction of a session in use, if it started one (open or ended). */
  transaction(key: string): Transaction | undefined {
    return this.sessions.get(key)?.transaction;
  }

  /**
   * The highest `txnNumber` the session has used, by a retryable write or a transaction:
   * mongod numbers both in one sequence per session.
   */
  latestTxnNumber(key: string): Long | undefined {
    const session = this.sessions.get(key);
    const write = session?.retryableWrite?.txnNumber;
    const transaction = session?.transaction?.txnNumber;
    if (write === undefined || transaction === undefined) return write ?? transaction;
    return write.greaterThan(transaction) ? write : transaction;
  }

  /**
   * Makes `transaction` the session's latest (nothing when the session is not in use); an
   * earlier one still open is aborted, as a higher `txnNumber` aborts it on mongod.
   */
  recordTransaction(key: string, transaction: Transaction): void {
    const session = this.sessions.get(key);
    if (!session) return;
    session.transaction?.abort();
    session.transaction = transaction;
  }

  /** Forgets the sessions with these keys (`lsid.id` as hex): `endSessions`, `killSessions`. */
  end(sessionKeys: Iterable<string>): void {
    for (const key of sessionKeys) {
      this.sessions.get(key)?.transaction?.abort();
      this.sessions.delete(key);
    }
  }

  /** Forgets every session (`killAllSessions`). */
  endAll(): void {
    for (const record of this.sessions.values()) record.transaction?.abort();
    this.sessions.clear();
  }

  /** Forgets the sessions unused for `timeoutMs`. */
  expire(timeoutMs: number): void {
    const now = this.now();
    for (const [key, record] of this.sessions) {
      if (now - record.lastUseMs < timeoutMs) continue;
      record.transaction?.abort();
      this.sessions.delete(key);
    }
  }

  /**
   * The records `$listLocalSessions` returns for `spec`: `{}` (the caller's own sessions),
   * `{ allUsers: true }`, or `{ users: [{ user, db }] }`.
   */
  list(spec: unknown): Document[] {
    const users = parseSpec(spec);
    const digests = users === 'all' ? undefined : users.map(userDigest);
    if (digests !== undefined && !digests.some((digest) => digest.equals(NO_AUTH_DIGEST))) {
      return [];
    }
    return [...this.sessions.values()].map((record) => ({
      _id: { id: record.id, uid: new Binary(NO_AUTH_DIGEST, 0) },
      lastUse: new Date(record.lastUseMs),
    }));
  }
}

interface SessionUser {
  readonly user: string;
  readonly db: string;
}

/** mongod's digest of a user: none for the unauthenticated, else SHA-256 of `user@db`. */
function userDigest({ user, db }: SessionUser): Buffer {
  return user === '' ? NO_AUTH_DIGEST : createHash('sha256').update(`${user}@${db}`).digest();
}

function parseSpec(spec: unknown): SessionUser[] | 'all' {
  if (!isPlainDocument(spec)) {
    throw new CommandFailure(
      14,
      'TypeMismatch',
      `$listLocalSessions options must be specified in an object, but found: ${typeof spec}`,
    );
  }
  for (const field of Object.keys(spec)) {
    if (field !== 'allUsers' && field !== 'users') {
      throw unknownField(`$listLocalSessions.${field}`);
    }
  }
  const users = parseUsers(spec.users);
  if (spec.allUsers === true) {
    if (users.length > 0) {
      throw new CommandFailure(
        12,
        'UnsupportedFormat',
        '$listLocalSessions may not specify {allUsers:true} and {users:[...]} at the same time',
      );
    }
    return 'all';
  }
  // No users named: the caller's own sessions (the unauthenticated user's).
  return users.length > 0 ? users : [{ user: '', db: '' }];
}

function parseUsers(users: unknown): SessionUser[] {
  if (users === undefined) return [];
  if (!Array.isArray(users)) {
    throw new CommandFailure(
      14,
      'TypeMismatch',
      "BSON field '$listLocalSessions.users' is the wrong type, expected type 'array'",
    );
  }
  return users.map((entry: unknown) => {
    if (!isPlainDocument(entry) || typeof entry.user !== 'string' || typeof entry.db !== 'string') {
      throw new CommandFailure(
        40414,
        'Location40414',
        "BSON field '$listLocalSessions.users.user' and '.db' are required strings",
      );
    }
    return { user: entry.user, db: entry.db };
  });
}
