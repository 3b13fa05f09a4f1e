/**
 * Why a job ran more than once, when a fault explains it: one the suite injected (`taken
 * over`: its lease, in the database, as a server does after an expiry), a timeout, or a stall
 * of a process (the machine did not run it for a second or more).
 */
export type RerunReason =
  | 'killed'
  | 'paused'
  | 'stopped'
  | 'cut off'
  | 'taken over'
  | 'stepped down'
  | 'stalled'
  | 'timed out';

/** The most handler invocations that ran at once under one limit, and the limit. */
export interface LimitCheck {
  /** What is limited, e.g. `server concurrency`, `type limit`, `global limit`, `one job`. */
  readonly limit: string;
  readonly max: number;
  readonly allowed: number;
}

/** One row of the table: what a scenario measured. */
export interface ScenarioResult {
  readonly scenario: string;
  /** Jobs acknowledged by enqueue (or, for bad input, calls made). */
  jobs: number;
  /** Acknowledged jobs missing from storage, or recorded as succeeded without having run. */
  lost: number;
  /** Acknowledged jobs still unfinished when the scenario's deadline passed. */
  stuck: number;
  /** Jobs that ended in another state than the one their handler leads to. */
  wronglyFailed: number;
  /** Jobs whose handler ran more than once, by the fault that explains it. */
  reruns: { total: number; byReason: Partial<Record<RerunReason, number>>; unexplained: number };
  /**
   * Jobs whose effect, committed in their handler's transaction, is there more than once: no
   * fault excuses it. Absent for scenarios whose handlers keep no such effect.
   */
  doubledEffects?: number;
  /** Errors reported or thrown that are not `DocketError`s (REST: answers that are not 4xx problems). */
  untypedErrors: number;
  /** Storage changed by a refused call, or left inconsistent (see docs/faults.md). */
  partialWrites: number;
  limits: LimitCheck[];
  /** Unhandled rejections and uncaught exceptions, in workers and in the runner. */
  unhandled: number;
  /** What was injected, and anything worth knowing. */
  notes: string[];
  /** Examples behind non-zero bad cells, printed under the table. */
  findings: string[];
  durationMs: number;
  /**
   * Every fault injected or observed (stalls), in ms after the scenario started, with the
   * worker it hit (null: all): written by `--json`, to look into a finding.
   */
  faultLog?: Array<{
    kind: string;
    worker: string | null;
    from: number;
    to: number | null;
    what: string;
  }>;
  /** Set when the scenario itself failed (a bug of the suite, or a worker that never started). */
  error?: string;
}

/** A result with nothing counted yet. */
export function emptyResult(scenario: string): ScenarioResult {
  return {
    scenario,
    jobs: 0,
    lost: 0,
    stuck: 0,
    wronglyFailed: 0,
    reruns: { total: 0, byReason: {}, unexplained: 0 },
    untypedErrors: 0,
    partialWrites: 0,
    limits: [],
    unhandled: 0,
    notes: [],
    findings: [],
    durationMs: 0,
  };
}

/** The bad cells of a result: every one must be zero (or within its limit). */
export function badCells(result: ScenarioResult): string[] {
  const bad: string[] = [];
  if (result.error !== undefined) bad.push(`scenario failed: ${result.error}`);
  const counts: Array<[string, number]> = [
    ['lost', result.lost],
    ['stuck', result.stuck],
    ['wrongly failed', result.wronglyFailed],
    ['unexplained reruns', result.reruns.unexplained],
    ['doubled effects', result.doubledEffects ?? 0],
    ['untyped errors', result.untypedErrors],
    ['partial writes', result.partialWrites],
    ['unhandled rejections', result.unhandled],
  ];
  for (const [name, value] of counts) if (value > 0) bad.push(`${name} ${value}`);
  for (const check of result.limits) {
    if (check.max > check.allowed) bad.push(`${check.limit} ${check.max}/${check.allowed}`);
  }
  return bad;
}

/** Keeps at most `limit` examples of a kind of finding, counting the rest. */
export class Findings {
  private readonly byKind = new Map<string, { shown: string[]; more: number }>();

  constructor(private readonly limit = 3) {}

  add(kind: string, example: string): void {
    const entry = this.byKind.get(kind) ?? { shown: [], more: 0 };
    this.byKind.set(kind, entry);
    if (entry.shown.length < this.limit) entry.shown.push(example);
    else entry.more++;
  }

  list(): string[] {
    return [...this.byKind.entries()].flatMap(([kind, { shown, more }]) => [
      ...shown.map((example) => `${kind}: ${example}`),
      ...(more > 0 ? [`${kind}: … and ${more} more`] : []),
    ]);
  }
}
