import type { JobErrorInfo, JobState } from './job-record';

/**
 * A job as a caller read it before changing it: a write pinned to it matches only while the
 * job is still in that state with that fence (no claim, edit or outcome came between).
 */
export interface JobPin {
  readonly jobId: string;
  readonly state: JobState;
  readonly fence: number;
}

/** A change a caller makes to a waiting job (see {@link JobStore.editWaiting}). */
export interface WaitingJobEdit {
  /** The new due time, and the state it means: `enqueued` when due, `scheduled` otherwise. */
  readonly due?: { readonly at: Date; readonly state: 'enqueued' | 'scheduled' };
  readonly priority?: number;
  /** The replacement payload, already validated and serialised. */
  readonly payload?: Record<string, unknown>;
  /** The reason of the history entry. */
  readonly reason: string;
}

/** An outcome a caller records for a job no handler finished (see {@link JobStore.markOutcome}). */
export type MarkedOutcome = (
  | { readonly state: 'succeeded'; readonly result?: unknown }
  | { readonly state: 'failed'; readonly error: JobErrorInfo }
) & {
  /** How long the running attempt ran until now; null for a job that never ran. */
  readonly durationMs: number | null;
  /** The reason of the history entry. */
  readonly reason: string;
};
