import { randomBytes } from 'node:crypto';
import type { Collection, Db, Document } from 'mongodb';
import type { ResolvedRateLimit } from '../../options/rate-limit-options';
import type {
  RateLimitInfo,
  RateLimitScope,
  RateLimitStore,
  RateReservation,
} from '../rate-limit-store';
import { rateWindowState, type RateEntry } from '../rate-window';
import { guard, isDuplicateKey, storageError } from './mongo-errors';

/** How long a limit's document outlives its last reservation's window (then TTL removes it). */
const KEEP_MS = 86_400_000;

/** One rate limit's document: its sliding log of granted starts. */
interface RateLimitRecord {
  _id: string;
  max: number;
  intervalMs: number;
  /** Live entries only (each write drops those out of the window). */
  entries: RateEntry[];
  /** What the last reservation granted (read back by the server that made it). */
  granted: number;
  /** The database's time of the last reservation. */
  checkedAt: Date;
  expireAt: Date;
}

/** The indexes of `<prefix>rate-limits` (besides `_id`, which reservations use). */
export const RATE_LIMIT_INDEXES = [
  { key: { expireAt: 1 }, name: 'expire', expireAfterSeconds: 0 },
] as const;

/**
 * Rate limits shared by every server: one document per limited key (`type:<jobType>` or
 * `queue:<queue>`) holding a sliding log of the starts granted in the last `intervalMs`.
 * A reservation is one `findOneAndUpdate` with a pipeline that drops the entries out of the
 * window, grants `min(count, max - used)`, and appends one entry for the grant, all against
 * the database's clock (`$$NOW`): a single-document update is atomic, so concurrent
 * reservations can never grant more than `max` in a window, and a worker's clock plays no
 * part. The entry counts as made `allowanceMs` after the reservation until the server settles
 * it (one `updateOne` after its claim) with the number it claimed, stamped with the time of
 * the settlement: so every claim falls at or before its entry's time, and a server that dies
 * between the two leaves an entry that expires by itself.
 */
export class MongoRateLimitStore implements RateLimitStore {
  private readonly limits: Collection<RateLimitRecord>;

  constructor(db: Db, collectionPrefix: string) {
    this.limits = db.collection<RateLimitRecord>(`${collectionPrefix}rate-limits`);
  }

  async ensureIndexes(): Promise<void> {
    await guard('create the rate limit indexes', () =>
      this.limits.createIndexes([...RATE_LIMIT_INDEXES]),
    );
  }

  async reserve(
    key: string,
    limit: ResolvedRateLimit,
    count: number,
    allowanceMs: number,
  ): Promise<RateReservation> {
    const token = randomBytes(8).toString('hex');
    const { max, intervalMs } = limit;
    const pipeline: Document[] = [
      {
        $set: {
          entries: {
            $filter: {
              input: { $ifNull: ['$entries', []] },
              cond: { $gt: ['$$this.at', { $subtract: ['$$NOW', intervalMs] }] },
            },
          },
        },
      },
      {
        $set: {
          granted: {
            $max: [0, { $min: [count, { $subtract: [max, { $sum: '$entries.n' }] }] }],
          },
        },
      },
      {
        $set: {
          entries: {
            $cond: [
              { $gt: ['$granted', 0] },
              {
                $concatArrays: [
                  '$entries',
                  [{ at: { $add: ['$$NOW', allowanceMs] }, n: '$granted', token }],
                ],
              },
              '$entries',
            ],
          },
          max: { $literal: max },
          intervalMs: { $literal: intervalMs },
          checkedAt: '$$NOW',
          expireAt: { $add: ['$$NOW', allowanceMs + intervalMs + KEEP_MS] },
        },
      },
    ];
    const after = await this.upsert(key, pipeline);
    const state = rateWindowState(after.entries, after.checkedAt.getTime(), max, intervalMs);
    return { granted: after.granted, token, waitMs: state.freeAt - after.checkedAt.getTime() };
  }

  async settle(key: string, token: string, used: number): Promise<void> {
    await guard('settle a rate limit reservation', () =>
      this.limits.updateOne({ _id: key }, [
        {
          $set: {
            entries: {
              $filter: {
                input: {
                  $map: {
                    input: { $ifNull: ['$entries', []] },
                    in: {
                      $cond: [
                        { $eq: ['$$this.token', { $literal: token }] },
                        { at: '$$NOW', n: { $literal: used } },
                        '$$this',
                      ],
                    },
                  },
                },
                cond: { $gt: ['$$this.n', 0] },
              },
            },
          },
        },
      ]),
    );
  }

  async list(): Promise<RateLimitInfo[]> {
    const docs = await guard('read the rate limits', () =>
      this.limits
        .aggregate<RateLimitRecord & { now: Date }>([
          { $addFields: { now: '$$NOW' } },
          { $sort: { _id: 1 } },
        ])
        .toArray(),
    );
    return docs.flatMap((doc) => {
      const separator = doc._id.indexOf(':');
      const scope = doc._id.slice(0, separator);
      if (scope !== 'type' && scope !== 'queue') return [];
      const now = doc.now.getTime();
      const state = rateWindowState(doc.entries ?? [], now, doc.max, doc.intervalMs);
      return [
        {
          scope: scope satisfies RateLimitScope,
          name: doc._id.slice(separator + 1),
          max: doc.max,
          intervalMs: doc.intervalMs,
          used: state.used,
          throttledUntil: state.freeAt > now ? new Date(state.freeAt) : null,
        },
      ];
    });
  }

  /** The reservation; a first reservation of a key upserts its document (one retry on a race). */
  private async upsert(key: string, pipeline: Document[]): Promise<RateLimitRecord> {
    for (let attempt = 1; ; attempt++) {
      try {
        const after = await this.limits.findOneAndUpdate({ _id: key }, pipeline, {
          upsert: true,
          returnDocument: 'after',
        });
        if (!after) throw new Error('the reservation returned no document');
        return after;
      } catch (error) {
        // Two servers upserted the same new key at once: the document exists now.
        if (attempt < 2 && isDuplicateKey(error, '_id')) continue;
        throw storageError('reserve rate-limited starts', error);
      }
    }
  }
}
