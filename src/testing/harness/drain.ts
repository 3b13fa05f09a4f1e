import type { Docket } from '../../docket';
import type { Clock } from '../../server/clock';
import type { DrainSummary } from './drain-summary';
import { DrainTimeoutError } from './drain-timeout.error';
import type { JobJournal } from './job-journal';
import { findPendingWork, type PendingWork, type PendingWorkScope } from './pending-work';

/** Options of `TestHarness.drain`. */
export interface DrainOptions {
  /**
   * Real milliseconds to wait for the queues to run dry; integer ≥ 0.
   * @defaultValue the harness's `timeoutMs` (4000)
   */
  readonly timeoutMs?: number;
  /** Abandons the drain: it rejects with the signal's reason. */
  readonly signal?: AbortSignal;
}

/**
 * What a drain needs: the Docket to watch, the scope its server serves, the clock, and the
 * journal whose entries since the previous drain make the summary.
 */
export interface DrainTarget extends Omit<PendingWorkScope, 'now' | 'docket'> {
  readonly docket: PendingWorkScope['docket'] & Pick<Docket, 'on'>;
  readonly clock: Clock;
  readonly journal: JobJournal;
}

/**
 * Pending kinds that can clear without an event (a recurring definition advances, and a
 * parent's or a batch's continuations resolve, without one): while one is pending, the
 * drain also looks again after this many ms.
 */
const RECHECK_MS = 50;

/**
 * Waits until the target's server has nothing left to do by the target's clock: no job due in
 * its queues (paused ones aside), none running, no continuation unreleased, no recurring
 * occurrence due. Storage is read again after every job event, never on a timer, except
 * for the eventless transitions of {@link RECHECK_MS}. The summary is what the journal
 * recorded since it was last taken: work finished just before the call counts too.
 * @throws DrainTimeoutError - when work is still pending after `timeoutMs`.
 * @throws the signal's reason when `signal` aborts; a storage error when a read fails.
 */
export async function drainUntilIdle(
  target: DrainTarget,
  options: { readonly timeoutMs: number; readonly signal?: AbortSignal },
): Promise<DrainSummary> {
  const { docket, clock, journal } = target;
  const startedAt = performance.now();
  const summary = (): DrainSummary => ({
    ...journal.take(),
    elapsedMs: Math.round(performance.now() - startedAt),
  });

  // Every event bumps the generation: a read that overlapped an event is not trusted.
  let generation = 0;
  let onChange: (() => void) | undefined;
  const changed = (): void => {
    generation++;
    onChange?.();
  };
  const unsubscribe = [
    docket.on('job.started', changed),
    docket.on('job.succeeded', changed),
    docket.on('job.failed', changed),
    docket.on('job.retried', changed),
    docket.on('job.snoozed', changed),
    docket.on('job.deleted', changed),
    docket.on('job.enqueued', changed),
    docket.on('job.leaseLost', changed),
    docket.on('queue.paused', changed),
    docket.on('queue.resumed', changed),
  ];

  let timer: NodeJS.Timeout | undefined;
  let expired = false;
  let onAbort: (() => void) | undefined;
  const interrupted = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      expired = true;
      resolve();
    }, options.timeoutMs);
    onAbort = () => resolve();
    options.signal?.addEventListener('abort', onAbort, { once: true });
  });
  let pending: PendingWork[] = [];
  const stopIfInterrupted = (): void => {
    options.signal?.throwIfAborted();
    if (expired) {
      throw new DrainTimeoutError({
        pending,
        summary: summary(),
        waitedMs: Math.round(performance.now() - startedAt),
        timeoutMs: options.timeoutMs,
      });
    }
  };

  try {
    for (;;) {
      stopIfInterrupted();
      const before = generation;
      const read = findPendingWork({ ...target, docket, now: clock.now() });
      // Raced against the deadline: a read still in flight then must not be unhandled.
      read.catch(() => undefined);
      const found = await Promise.race([read, interrupted.then(() => null)]);
      if (found === null) continue;
      pending = found;
      if (generation !== before) continue;
      if (pending.length === 0) return summary();
      const eventless = pending.some(
        (p) => p.kind === 'recurring' || p.kind === 'continuations' || p.kind === 'batch',
      );
      let recheck: NodeJS.Timeout | undefined;
      await Promise.race([
        interrupted,
        new Promise<void>((resolve) => {
          onChange = resolve;
          if (eventless) recheck = setTimeout(resolve, RECHECK_MS);
          if (generation !== before) resolve();
        }),
      ]);
      onChange = undefined;
      clearTimeout(recheck);
    }
  } finally {
    clearTimeout(timer);
    if (onAbort) options.signal?.removeEventListener('abort', onAbort);
    for (const off of unsubscribe) off();
  }
}
