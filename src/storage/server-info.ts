/**
 * How a server learns of work other processes create: pushed through a change stream
 * (replica sets, sharded clusters) or a tailed notices collection (standalone servers), or
 * only by its idle polling (while the push channel is down, or where there is none).
 */
export type PickupMode = 'change-stream' | 'notifications' | 'polling';

/** A job server as monitoring shows it (`Docket.listServers()`, the servers page). */
export interface ServerInfo {
  /** The server's id, as in leases, job history and logs. */
  readonly id: string;
  /** Host name of the machine it runs on (`os.hostname()`). */
  readonly hostname: string;
  /** Id of the process it runs in. */
  readonly pid: number;
  /** Queues it claims from, in its order of preference. */
  readonly queues: string[];
  /**
   * Job types it has handlers for; absent for servers of Docket versions that did not
   * record them (such a server may handle anything).
   */
  readonly jobTypes?: string[];
  /** Its per-server concurrency limit. */
  readonly concurrency: number;
  /** When it started. */
  readonly startedAt: Date;
  /** When it last wrote its heartbeat. */
  readonly heartbeatAt: Date;
  /** Handler invocations running on it at its last heartbeat, overrunning ones included. */
  readonly running: number;
  /**
   * Of those, invocations past their timeout whose handler has not settled yet: they keep
   * their slots until it does. Absent for servers of Docket versions that did not record it.
   */
  readonly overrunning?: number;
  /**
   * How it learns of work other processes create, as of its last heartbeat or mode change.
   * Absent for servers of Docket versions that did not record it.
   */
  readonly pickup?: PickupMode;
  /** Heartbeat seen within the liveness window (3 heartbeat intervals by default). */
  readonly alive: boolean;
  /** How long ago its last heartbeat was, at the time of listing (ms, at least 0). */
  readonly heartbeatAgeMs: number;
}
