import type { ScenarioName } from './args';
import type { Range } from '../workers/protocol';

/**
 * How big each scenario is. The counts apply on a real `mongod`; on the stand-in
 * (which scans the whole collection for every non-`_id` query) and in `--quick` mode they
 * are scaled down, keeping the shapes (ratios, process counts, rates). The report says so.
 */
export interface Scale {
  readonly name: 'full' | 'full (stand-in)' | 'quick';
  /** Repetitions per scenario (`--reps` overrides them all). */
  readonly reps: Readonly<Record<ScenarioName, number>>;
  /** Worker processes per system kept for the whole run. */
  readonly poolSize: number;
  /** Backlog sizes drained by one process, each beside its batched-claim ceiling. */
  readonly drainSizes: readonly number[];
  /** The backlog drained by several processes (the last size's unless said). */
  readonly drainJobs: number;
  /**
   * One-process drains of at most `jobs` jobs run `reps` times (when more than the
   * scenario's repetitions, and unless `--reps` is given): such a drain lasts well under a
   * second, and one stall of the shared machine moves it by a quarter.
   */
  readonly shortDrain: { readonly jobs: number; readonly reps: number };
  /** Process counts of the several-process cases. */
  readonly drainProcesses: readonly number[];
  /**
   * The backlog Docket alone drains once more, for its worker's memory (skipped unless
   * larger than every drain size).
   */
  readonly memoryJobs: number;
  readonly enqueueSequential: number;
  readonly enqueueConcurrent: number;
  readonly enqueueProducers: number;
  readonly enqueueBulk: number;
  readonly bulkBatch: number;
  readonly pickupRates: readonly number[];
  readonly pickupSeconds: number;
  /** Longest wait for a pickup case's jobs after the last send (ms). */
  readonly pickupGraceMs: number;
  /** Jobs per sparse cross-process case (sent one at a time, with gaps). */
  readonly sparseJobs: number;
  /**
   * Repetitions of the sparse cases (`--reps` overrides it): a tail percentile of 100 jobs
   * moves with one stall of a shared machine, and a median of three outlives one.
   */
  readonly sparseReps: number;
  /** The gap between two sparse sends (ms, drawn uniformly). */
  readonly sparseGapMs: Range;
  /** How far ahead the sparse producer schedules jobs (ms, drawn uniformly). */
  readonly scheduledDelayMs: Range;
  /** How long a sparse case's worker idles after its start before the first send (ms). */
  readonly sparseSettleMs: number;
  readonly idleBeforeSingleMs: number;
  readonly idleProcesses: number;
  readonly idleWindowMs: number;
  readonly backlogFuture: number;
  readonly backlogDue: number;
  readonly recurringJobs: number;
  readonly recurringProcesses: number;
  readonly recurringWindowMs: number;
  /** Time for definitions to be stored and the first occurrences to pass before counting. */
  readonly recurringWarmUpMs: number;
  /** Longest wait for a drain (ms); a run that takes longer is reported as timed out. */
  readonly drainTimeoutMs: number;
}

/** The counts (a real mongod). */
const FULL: Scale = {
  name: 'full',
  // Idle counts are deterministic and the recurring window holds thousands of occurrences:
  // one repetition each; the single-idle-job and backlog runs are long: two.
  reps: { drain: 3, enqueue: 3, pickup: 2, idle: 1, backlog: 2, recurring: 1 },
  poolSize: 4,
  drainSizes: [1_000, 10_000, 50_000],
  drainJobs: 20_000,
  shortDrain: { jobs: 1_000, reps: 7 },
  drainProcesses: [2, 4],
  memoryJobs: 100_000,
  enqueueSequential: 2_000,
  enqueueConcurrent: 4_000,
  enqueueProducers: 8,
  enqueueBulk: 20_000,
  bulkBatch: 500,
  pickupRates: [50, 200, 1_000],
  pickupSeconds: 5,
  pickupGraceMs: 20_000,
  sparseJobs: 100,
  sparseReps: 3,
  sparseGapMs: { min: 50, max: 100 },
  scheduledDelayMs: { min: 300, max: 500 },
  // Docket's idle poll backs off from 50 ms to 1 s within 1.6 s: the first job finds it idle.
  sparseSettleMs: 2_000,
  idleBeforeSingleMs: 30_000,
  idleProcesses: 4,
  // Several of every periodic read (5 s change stream and notices waits, 10 s heartbeats).
  idleWindowMs: 30_000,
  backlogFuture: 100_000,
  backlogDue: 10_000,
  recurringJobs: 100,
  recurringProcesses: 3,
  recurringWindowMs: 30_000,
  recurringWarmUpMs: 3_000,
  drainTimeoutMs: 120_000,
};

/**
 * On the stand-in: one single-threaded JavaScript server shares the 2 cores with every
 * worker and producer, so the counts (a 110k backlog) would not fit the whole run in
 * 10 minutes. Several processes drain 10,000 jobs, and the backlog is 20,000 + 2,000.
 */
const FULL_STAND_IN: Scale = {
  ...FULL,
  name: 'full (stand-in)',
  drainJobs: 10_000,
  drainProcesses: [2],
  enqueueBulk: 10_000,
  pickupSeconds: 2,
  backlogFuture: 20_000,
  backlogDue: 2_000,
};

/** A smoke run under a minute (CI). */
const QUICK: Scale = {
  name: 'quick',
  reps: { drain: 1, enqueue: 1, pickup: 1, idle: 1, backlog: 1, recurring: 1 },
  poolSize: 3,
  drainSizes: [200],
  drainJobs: 200,
  shortDrain: { jobs: 0, reps: 1 },
  drainProcesses: [2],
  memoryJobs: 500,
  enqueueSequential: 50,
  enqueueConcurrent: 80,
  enqueueProducers: 8,
  enqueueBulk: 200,
  bulkBatch: 100,
  pickupRates: [50, 200],
  pickupSeconds: 0.5,
  pickupGraceMs: 5_000,
  sparseJobs: 10,
  sparseReps: 1,
  sparseGapMs: { min: 50, max: 100 },
  scheduledDelayMs: { min: 300, max: 500 },
  sparseSettleMs: 500,
  idleBeforeSingleMs: 2_000,
  idleProcesses: 2,
  idleWindowMs: 2_000,
  backlogFuture: 1_000,
  backlogDue: 100,
  recurringJobs: 5,
  recurringProcesses: 2,
  recurringWindowMs: 3_000,
  recurringWarmUpMs: 1_500,
  drainTimeoutMs: 30_000,
};

/** The scale for a run. */
export function chooseScale(quick: boolean, standIn: boolean): Scale {
  if (quick) return QUICK;
  return standIn ? FULL_STAND_IN : FULL;
}
