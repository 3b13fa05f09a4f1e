import { MongoClient } from 'mongodb';
import type { EphemeralMongoKind } from '../../../src/testing';

/**
 * How long the suite's MongoDB lets a transaction stay open, in seconds (mongod's
 * `transactionLifetimeLimitSeconds`, 60 by default). A worker killed mid-transaction leaves
 * its transaction open, holding the documents it wrote, until the server aborts it: the job's
 * retry meets write conflicts on them until then. 10 s keeps the exactly-once row's drains
 * short, and outlasts every transaction the suite means to keep open (a worker frozen
 * mid-transaction must still hold it when it wakes).
 */
export const TRANSACTION_LIFETIME_LIMIT_S = 10;

/**
 * Sets {@link TRANSACTION_LIFETIME_LIMIT_S} on a `mongod` the suite started (the stand-in gets
 * it as it starts: see stand-in-with-settings.ts) and returns the limit the server runs with;
 * an external server (`MONGODB_URI`) is left as it is, and asked. Null when it cannot say.
 */
export async function applyTransactionLifetime(
  uri: string,
  kind: EphemeralMongoKind,
): Promise<number | null> {
  if (kind === 'stand-in') return TRANSACTION_LIFETIME_LIMIT_S;
  const client = await new MongoClient(uri).connect();
  try {
    const admin = client.db('admin');
    if (kind === 'mongod') {
      await admin.command({
        setParameter: 1,
        transactionLifetimeLimitSeconds: TRANSACTION_LIFETIME_LIMIT_S,
      });
    }
    const reply = await admin.command({ getParameter: 1, transactionLifetimeLimitSeconds: 1 });
    const limit: unknown = reply.transactionLifetimeLimitSeconds;
    return typeof limit === 'number' ? limit : null;
  } catch {
    return null;
  } finally {
    await client.close();
  }
}
