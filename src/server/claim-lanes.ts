import type { ClaimLane } from '../storage/job-store';
import type { Clock } from './clock';
import type { ServerRegistry } from './job-server-deps';
import { MISSED_HEARTBEATS } from './server-registration';
/** Lanes are forgotten this many heartbeat intervals after they were learnt. */
const LANE_LIFETIME_HEARTBEATS = 10;
/** How soon a server that found itself alone may look again (then twice that, and so on). */
const FIRST_ALONE_RETRY_MS = 1_000;
/** How soon a server that found itself alone may look again once a claim met contention. */
const CONTENDED_RETRY_MS = 100;

/** What {@link ClaimLanes} needs from its server. */
export interface ClaimLanesDeps {
  readonly servers: Pick<ServerRegistry, 'liveServerIds'>;
  readonly clock: Clock;
  readonly serverId: string;
  readonly queues: readonly string[];
  readonly heartbeatIntervalMs: number;
  readonly report: (error: unknown, context: string) => void;
  /** Monotonic milliseconds (rate limit and lifetime of the lanes). @defaultValue performance.now */
  readonly monotonicMs?: () => number;
}

/**
 * This server's lane among the servers claiming from the same queues (see `ClaimLane`).
 * Servers that read the same due jobs at the same moment and pick from them at random take
 * some of the same ones: one claim then falls short and needs a read-back, and the batches
 * shrink. With lanes each takes its own share.
 *
 * A server reads the live servers once before its first batch claim, so that servers
 * starting together on a backlog do not begin by picking from the same jobs; after that only
 * while it claims batches of waiting work or meets contention (never while idle): at most
 * once per heartbeat interval, and sooner while it found itself alone (after 1 s, then
 * backing off to the heartbeat interval; after 100 ms when a claim met contention, which
 * says another server is there), since servers starting together may not have announced
 * themselves yet. Lanes are forgotten ten heartbeat intervals after they were learnt unless
 * read again, so a server that left stops counting.
 */
export class ClaimLanes {
  private lane: ClaimLane | undefined;
  private learntAt = -Infinity;
  private readAt = -Infinity;
  private aloneRetryMs = FIRST_ALONE_RETRY_MS;
  private reading: Promise<void> | undefined;
  private firstRead: Promise<void> | undefined;
  private readonly monotonicMs: () => number;

  constructor(private readonly deps: ClaimLanesDeps) {
    this.monotonicMs = deps.monotonicMs ?? (() => performance.now());
  }

  /** The lane to claim in; undefined while this server knows of no competing server. */
  current(): ClaimLane | undefined {
    const lifetime = LANE_LIFETIME_HEARTBEATS * this.deps.heartbeatIntervalMs;
    if (this.lane && this.monotonicMs() - this.learntAt > lifetime) this.lane = undefined;
    return this.lane;
  }

  /** Before the first batch claim: the first read (later calls resolve at once). */
  learnFirst(): Promise<void> {
    if (!this.firstRead) {
      this.refresh();
      this.firstRead = this.settled();
    }
    return this.firstRead;
  }

  /**
   * A batch claim found waiting work, or met contention: learn who competes, unless a read
   * is under way or was recent.
   */
  refresh(contended = false): void {
    const { heartbeatIntervalMs } = this.deps;
    const now = this.monotonicMs();
    const aloneRetryMs = contended ? CONTENDED_RETRY_MS : this.aloneRetryMs;
    const wait = this.lane ? heartbeatIntervalMs : Math.min(aloneRetryMs, heartbeatIntervalMs);
    if (this.reading || now - this.readAt < wait) return;
    this.readAt = now;
    this.reading = this.read().finally(() => {
      this.reading = undefined;
    });
  }

  /** Resolves once no read is under way (a stopping server waits for it). */
  async settled(): Promise<void> {
    await this.reading;
  }

  private async read(): Promise<void> {
    const { servers, clock, serverId, queues, heartbeatIntervalMs } = this.deps;
    try {
      const live = await servers.liveServerIds(
        clock.now(),
        MISSED_HEARTBEATS * heartbeatIntervalMs,
        queues,
      );
      // This server counts even before its own entry is read back.
      const ids = [...new Set([...live, serverId])].sort();
      this.lane = ids.length > 1 ? { index: ids.indexOf(serverId), count: ids.length } : undefined;
      this.learntAt = this.monotonicMs();
      this.aloneRetryMs = this.lane ? FIRST_ALONE_RETRY_MS : 2 * this.aloneRetryMs;
    } catch (error) {
      this.deps.report(error, 'reading the live servers (for claim lanes) failed');
    }
  }
}
