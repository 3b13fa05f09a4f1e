import type { DocketEvents } from '../events/docket-events';
import type { EventBus } from '../events/event-bus';
import type { HandlerRegistry } from '../handlers';
import { JobDeletedError } from '../errors';
import type { ClaimLoop } from './claim-loop';
import type { Clock } from './clock';
import type { DueWake } from './due-wake';
import type { Invocations } from './invocations';
import type { LocallyAnnouncedJobs } from './locally-announced-jobs';
import type { PausedQueues } from './paused-queues';

/** What a server's listeners to the events of its own process act on. */
export interface LocalJobEventsDeps {
  readonly events: EventBus;
  readonly clock: Clock;
  /** The queues the server claims from. */
  readonly queues: readonly string[];
  readonly registry: HandlerRegistry;
  readonly invocations: Invocations;
  readonly claims: ClaimLoop;
  readonly paused: PausedQueues;
  readonly announcedJobs: LocallyAnnouncedJobs;
  readonly dueWake: DueWake;
  /** The server is stopping: jobs enqueued from now on are left to other servers. */
  readonly stopping: () => boolean;
}

/**
 * Subscribes a server to what its own process does, which it learns at once rather than
 * through the database: jobs enqueued (claimed now if due, or woken for when they will be),
 * queues paused or resumed, jobs deleted or given an outcome from outside while it runs them
 * (their attempt stops now rather than at the next heartbeat), and a clock that moved.
 * @returns a function that removes every listener.
 */
export function listenToLocalJobEvents(deps: LocalJobEventsDeps): () => void {
  const { events, invocations, claims } = deps;
  const setPaused = (queue: string, paused: boolean): void => {
    deps.paused.set(queue, paused);
    claims.wake();
  };
  const onExternalOutcome = (event: { jobId: string; external?: true }): void => {
    if (event.external) invocations.loseJobLease(event.jobId);
  };
  const listeners = [
    events.on('job.enqueued', (event) => onEnqueued(deps, event)),
    events.on('queue.paused', (event) => setPaused(event.queue, true)),
    events.on('queue.resumed', (event) => setPaused(event.queue, false)),
    events.on('job.deleted', (event) => {
      if (event.wasRunning)
        invocations.abortJob(event.jobId, new JobDeletedError({ jobId: event.jobId }));
    }),
    // An outcome a caller of this process reported took the lease of an attempt this server
    // may run: it stops now rather than at the next heartbeat.
    events.on('job.succeeded', (event) => onExternalOutcome(event)),
    events.on('job.failed', (event) => onExternalOutcome(event)),
  ];
  const offClock = deps.clock.onChange?.(() => claims.wake());
  if (offClock) listeners.push(offClock);
  return () => listeners.forEach((off) => off());
}

/** A job enqueued in this process: claim now if it is due, or wake up when it will be. */
function onEnqueued(
  deps: LocalJobEventsDeps,
  { jobId, queue, jobType, dueAt }: DocketEvents['job.enqueued'],
): void {
  if (deps.stopping() || !deps.queues.includes(queue) || !deps.registry.get(jobType)) {
    return;
  }
  deps.announcedJobs.add(jobId);
  deps.dueWake.at(dueAt);
}
