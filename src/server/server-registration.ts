import { hostname } from 'node:os';
import type { PickupMode } from '../storage/server-info';
import type { ServerAnnouncement, ServerRegistry } from './job-server-deps';
import { RequestGate } from './time-limit';

/**
 * How many heartbeats a server may miss before other servers' reads take it for dead (the
 * unhandled-types check, claim lanes).
 */
export const MISSED_HEARTBEATS = 3;

/** What a server's entry says of it: facts fixed at its start, and readers of the rest. */
export interface ServerFacts {
  readonly id: string;
  readonly queues: readonly string[];
  readonly concurrency: number;
  readonly startedAt: Date;
  readonly jobTypes: () => string[];
  readonly now: () => Date;
  /** What it runs now, and how it learns of new work. */
  readonly state: () => { running: number; overrunning: number; pickup: PickupMode };
  /** True once the server stops: its stop removes the entry, nothing writes it anew. */
  readonly stopping: () => boolean;
}

/**
 * A server's entry in the registry (`<prefix>servers`, the servers page): written at start,
 * refreshed by heartbeats and when its pickup mode changes, removed at stop. While two
 * refreshes hang, no more are sent (see `RequestGate`).
 */
export class ServerRegistration {
  private readonly refreshes = new RequestGate(2);

  constructor(
    private readonly registry: ServerRegistry,
    private readonly facts: ServerFacts,
  ) {}

  /** Writes the entry (one round trip). */
  announce(): Promise<void> {
    return this.registry.announce(this.describe());
  }

  /**
   * Refreshes the entry, writing it anew when it is gone while the server runs (taken for
   * dead during a long pause of this process). Waits at most `ms` for the answer.
   * @throws StorageError - when MongoDB fails, or `ms` passed without an answer.
   */
  async refresh(ms: number): Promise<void> {
    await this.refreshes.send(() => this.refreshNow(), ms, 'announce the server');
  }

  /** The same refresh, waited for whatever it takes (at start, as part of it). */
  async refreshNow(): Promise<void> {
    const announcement = this.describe();
    if (await this.registry.refresh(announcement)) return;
    if (!this.facts.stopping()) await this.registry.announce(announcement);
  }

  /**
   * Removes the entry, after the last refresh has its answer (or `ms` passed): refreshes
   * only rewrite an entry while the server runs, so nothing writes it back.
   */
  async remove(ms: number): Promise<void> {
    await this.refreshes.settled(ms);
    await this.registry.remove(this.facts.id);
  }

  /** The entry as it stands now. */
  private describe(): ServerAnnouncement {
    const { id, queues, concurrency, startedAt } = this.facts;
    return {
      _id: id,
      hostname: hostname(),
      pid: process.pid,
      queues: [...queues],
      jobTypes: this.facts.jobTypes(),
      concurrency,
      startedAt,
      heartbeatAt: this.facts.now(),
      ...this.facts.state(),
    };
  }
}
