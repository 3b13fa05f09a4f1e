import { MongoClient } from 'mongodb';
import type { ProbeArgs, ProbeReply } from '../workers/protocol';

/**
 * The server's own ceiling: how many raw `findOneAndUpdate` commands per second it answers
 * from one client process, without any queue library in the way. Two shapes:
 * - claim-shaped: `{ state: 'ready' }` sorted by `n`, the first one moved to the back of the
 *   line (`n` raised past every other): an indexed filter and sort whose index entry moves,
 *   every call touching a different document, like a queue's claim, and never running out
 *   of documents however fast the server answers;
 * - point: `{ _id }` with `$inc` on a random document (the cheapest update there is).
 * Each shape runs unmeasured for a while first, so that the figures are of a warm server.
 * Run in a worker process, so the client never shares an event loop with an in-process server.
 */
export async function runProbe(args: ProbeArgs): Promise<ProbeReply> {
  const client = await new MongoClient(args.uri, { maxPoolSize: args.concurrency + 2 }).connect();
  const db = client.db(args.dbName);
  try {
    const docs = db.collection<{ _id: number; state: string; n: number }>('probe');
    const batch = 5_000;
    for (let from = 0; from < args.docs; from += batch) {
      const rows = [];
      for (let i = from; i < Math.min(args.docs, from + batch); i++) {
        rows.push({ _id: i, state: 'ready', n: i });
      }
      await docs.insertMany(rows, { ordered: false });
    }
    await docs.createIndex({ state: 1, n: 1 });

    const run = async (call: () => Promise<boolean>, ms: number): Promise<number> => {
      let done = 0;
      const began = performance.now();
      const deadline = began + ms;
      await Promise.all(
        Array.from({ length: args.concurrency }, async () => {
          while (performance.now() < deadline) {
            if (!(await call())) return;
            done++;
          }
        }),
      );
      return done / ((performance.now() - began) / 1000);
    };
    const measure = async (call: () => Promise<boolean>): Promise<number> => {
      await run(call, Math.min(1_000, args.durationMs / 2));
      return run(call, args.durationMs);
    };
    const claimPerSec = await measure(async () => {
      const found = await docs.findOneAndUpdate(
        { state: 'ready' },
        { $inc: { n: args.docs } },
        { sort: { n: 1 } },
      );
      return found !== null;
    });
    const pointPerSec = await measure(async () => {
      await docs.findOneAndUpdate(
        { _id: Math.floor(Math.random() * args.docs) },
        { $inc: { n: 1 } },
      );
      return true;
    });
    return { claimPerSec, pointPerSec };
  } finally {
    await db.dropDatabase().catch(() => undefined);
    await client.close();
  }
}
