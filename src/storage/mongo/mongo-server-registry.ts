import type { Collection, Db, Filter } from 'mongodb';
import type { PickupMode, ServerInfo } from '../server-info';
import { guard } from './mongo-errors';

/** What a running server says about itself (collection `<prefix>servers`). */
export interface ServerRecord {
  _id: string;
  hostname: string;
  pid: number;
  queues: string[];
  /**
   * Job types it has handlers for. Absent in records of servers from before Docket recorded
   * them: such a server may handle anything.
   */
  jobTypes?: string[];
  concurrency: number;
  startedAt: Date;
  heartbeatAt: Date;
  /** Handler invocations running on it at its last heartbeat, overrunning ones included. */
  running: number;
  /** Of those, invocations past their timeout whose handler has not settled yet. */
  overrunning?: number;
  /** How it learns of other processes' work. Absent in records of older servers. */
  pickup?: PickupMode;
}

export type { ServerInfo };

/** Where servers announce themselves, so operators (and the dashboard) can see the fleet. */
export class MongoServerRegistry {
  private readonly servers: Collection<ServerRecord>;

  constructor(db: Db, collectionPrefix: string) {
    this.servers = db.collection<ServerRecord>(`${collectionPrefix}servers`);
  }

  /** Creates or refreshes a server's entry (one round trip). */
  async announce(record: ServerRecord): Promise<void> {
    const { _id, ...fields } = record;
    await guard('announce the server', () =>
      this.servers.updateOne({ _id }, { $set: fields }, { upsert: true }),
    );
  }

  /** Refreshes a server's entry if it exists (never creates one); false when there is none. */
  async refresh(record: ServerRecord): Promise<boolean> {
    const { _id, ...fields } = record;
    const result = await guard('refresh the server', () =>
      this.servers.updateOne({ _id }, { $set: fields }),
    );
    return result.matchedCount > 0;
  }

  /** Removes a stopped server's entry. */
  async remove(serverId: string): Promise<void> {
    await guard('remove the server', () => this.servers.deleteOne({ _id: serverId }));
  }

  /**
   * The job types that live servers (heartbeat within `staleAfterMs`) handle, in one read;
   * null when a live server does not say (it predates the field), since it may handle any.
   */
  async handledJobTypes(now: Date, staleAfterMs: number): Promise<Set<string> | null> {
    const live = await guard('read the job types servers handle', () =>
      this.servers
        .find(liveSince(now, staleAfterMs), { projection: { _id: 0, jobTypes: 1 } })
        .toArray(),
    );
    const handled = new Set<string>();
    for (const server of live) {
      if (!Array.isArray(server.jobTypes)) return null;
      for (const jobType of server.jobTypes) handled.add(jobType);
    }
    return handled;
  }

  /** Ids of the live servers (heartbeat within `staleAfterMs`) that claim from any of `queues`. */
  async liveServerIds(
    now: Date,
    staleAfterMs: number,
    queues: readonly string[],
  ): Promise<string[]> {
    const live = await guard('read the live servers', () =>
      this.servers
        .find(
          { ...liveSince(now, staleAfterMs), queues: { $in: [...queues] } },
          { projection: { _id: 1 } },
        )
        .toArray(),
    );
    return live.map((server) => server._id);
  }

  /**
   * Lists servers; those silent for longer than `staleAfterMs` are shown as not alive, and
   * those silent for 10× that are removed (their process is gone).
   */
  async list(now: Date, staleAfterMs: number): Promise<ServerInfo[]> {
    await guard('remove dead servers', () =>
      this.servers.deleteMany({
        heartbeatAt: { $lt: new Date(now.getTime() - 10 * staleAfterMs) },
      }),
    );
    const records = await guard('list servers', () =>
      this.servers.find().sort({ startedAt: 1 }).toArray(),
    );
    return records.map(({ _id, ...record }) => {
      const heartbeatAgeMs = Math.max(0, now.getTime() - record.heartbeatAt.getTime());
      return { id: _id, ...record, heartbeatAgeMs, alive: heartbeatAgeMs <= staleAfterMs };
    });
  }
}

/** Servers that sent a heartbeat within `staleAfterMs` of `now`. */
function liveSince(now: Date, staleAfterMs: number): Filter<ServerRecord> {
  return { heartbeatAt: { $gte: new Date(now.getTime() - staleAfterMs) } };
}
