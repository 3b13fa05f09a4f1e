import { MongoClient, type Collection } from 'mongodb';
import type { ProbeArgs, ProbeReply } from '../workers/protocol';
import type { ProbedCeiling } from './results';

type ProbeDoc = { _id: number; state: string; n: number };
/** One call of a probe shape; false when the server has nothing left for it. */
type Call = () => Promise<boolean>;

/**
 * The server's own ceiling: how many raw `findOneAndUpdate` commands per second it answers
 * from one client process, without any queue library in the way. Two shapes:
 * - claim-shaped: `{ state: 'ready' }` sorted by `n`, the first one moved to the back of the
 *   line (`n` raised past every other): an indexed filter and sort whose index entry moves,
 *   every call touching a different document, like a queue's claim, and never running out
 *   of documents however fast the server answers;
 * - point: `{ _id }` with `$inc` on a random document (the cheapest update there is).
 *
 * Several servers (the stand-in's two modes) are measured in the same probe, their windows
 * interleaved: each round measures every server once per shape, in an order that reverses
 * from one round to the next, so that the drift of a shared 2-core machine (10-20% from one
 * second to the next) falls on all of them alike. Each figure is the median of its windows,
 * and each server's claim-shaped figure is also given against the first server's as the
 * median of the per-round ratios, which is steadier than a ratio of medians. Every server
 * and shape runs unmeasured for a while first, so that the figures are of warm servers.
 * Run in a worker process, so the client never shares an event loop with an in-process server.
 */
export async function runProbe(args: ProbeArgs): Promise<ProbeReply> {
  const clients: MongoClient[] = [];
  try {
    const shapes: Array<{ claim: Call; point: Call }> = [];
    for (const uri of args.uris) {
      const client = await new MongoClient(uri, { maxPoolSize: args.concurrency + 2 }).connect();
      clients.push(client);
      shapes.push(await prepare(client.db(args.dbName).collection<ProbeDoc>('probe'), args.docs));
    }
    const rate = (call: Call, ms: number) => callsPerSecond(call, ms, args.concurrency);
    const warmUpMs = Math.min(1_000, args.windowMs * 2);
    for (const shape of shapes) {
      await rate(shape.claim, warmUpMs);
      await rate(shape.point, warmUpMs);
    }
    const claims: number[][] = shapes.map(() => []);
    const points: number[][] = shapes.map(() => []);
    for (let round = 0; round < args.rounds; round++) {
      const order = shapes.map((_, index) => index);
      if (round % 2 === 1) order.reverse();
      for (const index of order) claims[index].push(await rate(shapes[index].claim, args.windowMs));
      for (const index of order) points[index].push(await rate(shapes[index].point, args.windowMs));
    }
    const ceilings: ProbedCeiling[] = shapes.map((_, index) => ({
      claimPerSec: median(claims[index]),
      pointPerSec: median(points[index]),
    }));
    const claimRatios = claims.map((rates) =>
      median(rates.map((value, round) => value / claims[0][round])),
    );
    return { ceilings, claimRatios };
  } finally {
    for (const client of clients) {
      await client
        .db(args.dbName)
        .dropDatabase()
        .catch(() => undefined);
      await client.close();
    }
  }
}

/** Fills the probe collection and returns the two shapes' calls on it. */
async function prepare(
  docs: Collection<ProbeDoc>,
  count: number,
): Promise<{ claim: Call; point: Call }> {
  const batch = 5_000;
  for (let from = 0; from < count; from += batch) {
    const rows: ProbeDoc[] = [];
    for (let i = from; i < Math.min(count, from + batch); i++)
      rows.push({ _id: i, state: 'ready', n: i });
    await docs.insertMany(rows, { ordered: false });
  }
  await docs.createIndex({ state: 1, n: 1 });
  return {
    claim: async () => {
      const found = await docs.findOneAndUpdate(
        { state: 'ready' },
        { $inc: { n: count } },
        { sort: { n: 1 } },
      );
      return found !== null;
    },
    point: async () => {
      await docs.findOneAndUpdate({ _id: Math.floor(Math.random() * count) }, { $inc: { n: 1 } });
      return true;
    },
  };
}

/** Calls per second of `call` from `concurrency` callers for `ms`. */
async function callsPerSecond(call: Call, ms: number, concurrency: number): Promise<number> {
  let done = 0;
  const began = performance.now();
  const deadline = began + ms;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        if (!(await call())) return;
        done++;
      }
    }),
  );
  return done / ((performance.now() - began) / 1000);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[(sorted.length - 1) >> 1];
}
