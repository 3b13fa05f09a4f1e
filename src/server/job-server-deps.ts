import type { DependencyContainer } from 'tsyringe';
import type { Logger } from 'winston';
import type { EventBus } from '../events/event-bus';
import type { HandlerRegistry } from '../handlers';
import type { JobFilters } from '../filters';
import type { RecurringJobs } from '../recurring';
import type { JobStore, WaitingJobTypesSource } from '../storage/job-store';
import type { JobLogStore } from '../storage/job-logs';
import type { ResolvedJobLogOptions } from '../logging/job-log-options';
import type { ResolvedArtefactOptions } from '../storage/artefact-options';
import type { MongoJobArtefacts } from '../storage/mongo/mongo-job-artefacts';
import type { MongoJobResults } from '../storage/mongo/mongo-job-results';
import type { ServerRecord } from '../storage/mongo/mongo-server-registry';
import type { RateLimitStore } from '../storage/rate-limit-store';
import type { KeyStore, SlotStore } from './global-slots';
import type { Clock } from './clock';

/** Where a server reads which queues are paused. */
export interface QueueStateSource {
  pausedQueues(): Promise<Set<string>>;
}

/**
 * What a server says about itself at start and at every heartbeat: its registry record, with
 * `running` counting invocations (overrunning ones included) and `overrunning` those whose
 * attempt ended while their handler, ignoring its signal, still runs.
 */
export type ServerAnnouncement = ServerRecord & Required<Pick<ServerRecord, 'overrunning'>>;

/** Where a server announces itself (liveness for operators and the dashboard). */
export interface ServerRegistry {
  /** Creates or refreshes the server's entry. */
  announce(record: ServerAnnouncement): Promise<void>;
  /**
   * Refreshes the server's entry if it exists, never creating it; false when there is none
   * (removed: the server stopped, or was taken for dead).
   */
  refresh(record: ServerAnnouncement): Promise<boolean>;
  remove(serverId: string): Promise<void>;
  /** Job types live servers handle; null when a live server does not say (it may handle any). */
  handledJobTypes(now: Date, staleAfterMs: number): Promise<Set<string> | null>;
  /** Ids of the live servers (heartbeat within `staleAfterMs`) that claim from any of `queues`. */
  liveServerIds(now: Date, staleAfterMs: number, queues: readonly string[]): Promise<string[]>;
}

/** What a server needs from the Docket instance that starts it. */
export interface JobServerDeps {
  readonly store: JobStore;
  readonly servers: ServerRegistry;
  /** Due jobs by type, for the warning about jobs no live server handles. */
  readonly waiting: WaitingJobTypesSource;
  readonly slots: SlotStore;
  /** The concurrency keys held (and the check that a FIFO job is first in line). */
  readonly keys: KeyStore;
  /** The shared logs of the rate limits. */
  readonly rateLimits: RateLimitStore;
  readonly queueStates: QueueStateSource;
  /** Recurring jobs, whose ticker the server runs unless `options.recurring` is false. */
  readonly recurring?: RecurringJobs;
  readonly registry: HandlerRegistry;
  readonly container: DependencyContainer;
  readonly events: EventBus;
  readonly logger: Logger;
  readonly clock: Clock;
  /** Where handlers' lines are kept (and swept once their job is gone), and what is kept. */
  readonly logs: JobLogStore;
  readonly logOptions: ResolvedJobLogOptions;
  /** Where handlers' files go (and are swept once their job is gone), and their limits. */
  readonly artefacts: MongoJobArtefacts;
  readonly artefactOptions: ResolvedArtefactOptions;
  /** Where results go after a committed transaction, and how large results may be. */
  readonly results: Pick<MongoJobResults, 'saveAfterCommit'>;
  readonly maxResultBytes: number;
  /** The job filters whose execution hooks run around each attempt. */
  readonly filters: JobFilters;
}
