import type { DocketParts } from './docket-parts';
import type { JobEventStream } from './job-events';
import type { JobServer } from './server/job-server.interface';

/** What a Docket stops when it closes, in order. */
export interface DocketShutdownSteps {
  readonly parts: DocketParts;
  /** The job servers started in this process (read when the shutdown starts). */
  readonly servers: Iterable<JobServer>;
  /** The job event streams open (read once the servers have stopped). */
  readonly eventStreams: Iterable<JobEventStream>;
  /** Told once every server has stopped: from then on the Docket refuses new work. */
  readonly onServersStopped: () => void;
}

/**
 * Closes a Docket: stops every server gracefully, then closes the event streams and the
 * waits, then the MongoDB client if the Docket opened it. Every step runs, whatever failed
 * before it.
 * @throws the error of a step that failed (an `AggregateError` of them when several did),
 *   once every step has run.
 */
export async function shutDownDocket(steps: DocketShutdownSteps): Promise<void> {
  const failures: unknown[] = [];
  // Running jobs may still enqueue while their servers stop: the scheduler refuses only
  // from here on. A server reports its failed steps as `error` events itself, and rejects
  // with them (several in an AggregateError) once it has stopped.
  await Promise.all(
    [...steps.servers].map((server) =>
      server.stop().catch((error: unknown) => {
        if (error instanceof AggregateError) failures.push(...(error.errors as unknown[]));
        else failures.push(error);
      }),
    ),
  );
  steps.onServersStopped();
  // Waits and event streams still open end before the client closes under them.
  await Promise.all(
    [...steps.eventStreams].map((stream) =>
      stream.close().catch((error: unknown) => failures.push(error)),
    ),
  );
  await steps.parts.waits.close().catch((error: unknown) => failures.push(error));
  if (steps.parts.ownsClient) {
    await steps.parts.client.close().catch((error: unknown) => {
      failures.push(error);
      steps.parts.events.emit('error', {
        error: error instanceof Error ? error : new Error(String(error)),
        context: 'closing Docket: closing the MongoDB client',
      });
    });
  }
  if (failures.length === 1) throw failures[0];
  if (failures.length > 1) {
    throw new AggregateError(failures, `closing Docket: ${failures.length} steps failed`);
  }
}
