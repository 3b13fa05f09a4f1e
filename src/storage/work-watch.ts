import type { PickupMode } from './server-info';

/**
 * Told of a job that became claimable in another process: its id (undefined for several jobs
 * told at once), and its due time when the store knows it (a job due later is worth a
 * wake-up at that time, not now).
 */
export type NewWorkListener = (jobId: string | undefined, dueAt?: Date) => void;

/** How a server hears of new work when it is pushed: see {@link JobStore.watchForNewWork}. */
export type PushVia = Exclude<PickupMode, 'polling'>;

/** An open subscription to new work (a change stream, or the tail of a notices collection). */
export interface WorkWatch {
  readonly via: PushVia;
  close(): Promise<void>;
  /** The token of the last event seen (MongoDB's `resumeToken`), when the store knows it. */
  readonly resumeToken?: unknown;
}
