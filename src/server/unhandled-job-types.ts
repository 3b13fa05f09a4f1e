import type { Logger } from 'winston';
import type { JobServerDeps } from './job-server-deps';
import type { ResolvedJobServerOptions } from './job-server-options';
import { MISSED_HEARTBEATS } from './server-registration';

/** The check runs with the recovery sweep, at most this often (a warning, not a repair). */
const CHECK_EVERY_MS = 60_000;

/**
 * Warns, once per job type for the life of a server, when due jobs of a type wait that no
 * live server handles: a handler missing from every deployed process (not loaded, left out
 * of `handlers`, or a command job without a command bus). Those jobs would otherwise wait
 * silently forever.
 *
 * Each {@link check} costs two reads: the live servers' job types, then one aggregate over
 * due jobs of the other types (skipped when a live server does not record its types). It
 * reads at most once a minute (by the server's clock), however often the sweep calls it: an
 * idle server's commands are what it costs the database.
 */
export class UnhandledJobTypes {
  private readonly warned = new Set<string>();
  private checkedAt = -Infinity;
  /** A server silent for longer is taken for dead (`listServers`' default window). */
  private readonly staleAfterMs: number;

  /**
   * @param deps - The server's registry of servers, due-job reads, clock and handlers.
   * @param logger - The server's logger.
   * @param options - The server's options (its heartbeat interval sets the liveness window).
   */
  constructor(
    private readonly deps: Pick<JobServerDeps, 'servers' | 'waiting' | 'clock' | 'registry'>,
    private readonly logger: Logger,
    options: Pick<ResolvedJobServerOptions, 'heartbeatIntervalMs'>,
  ) {
    this.staleAfterMs = MISSED_HEARTBEATS * options.heartbeatIntervalMs;
  }

  async check(): Promise<void> {
    const { servers, waiting, clock, registry } = this.deps;
    const now = clock.now();
    if (now.getTime() - this.checkedAt < CHECK_EVERY_MS) return;
    this.checkedAt = now.getTime();
    const handled = await servers.handledJobTypes(now, this.staleAfterMs);
    if (handled === null) return;
    // This server counts as live even before its own record is read back.
    for (const jobType of registry.jobTypes()) handled.add(jobType);
    const types = await waiting.waitingJobTypes([...handled], now);
    for (const { jobType, waiting: count, oldestDueAt } of types) {
      if (this.warned.has(jobType)) continue;
      this.warned.add(jobType);
      this.logger.warn(
        `${count} due job(s) of type '${jobType}' wait, the oldest since ` +
          `${oldestDueAt.toISOString()}, but no live server handles that type: deploy a server ` +
          `whose handlers include a @JobHandler for '${jobType}' (or delete the jobs)`,
        { jobType, waiting: count },
      );
    }
  }
}
