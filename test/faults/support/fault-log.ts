import type { RerunReason } from '../report/scenario-result';

/** A fault the suite injected: what, on which worker process (null: all of them), when. */
export interface FaultWindow {
  readonly kind: Exclude<RerunReason, 'timed out'>;
  /** The worker process it hit; null when it hit every worker. */
  readonly pid: number | null;
  readonly from: number;
  /** `Infinity` for a kill. */
  to: number;
  readonly what: string;
  /** The one job it hit (a takeover of its lease); every job of `pid` when absent. */
  readonly jobId?: string;
}

/** Precedence when several faults overlap one invocation. */
const ORDER: readonly FaultWindow['kind'][] = [
  'killed',
  'paused',
  'stopped',
  'cut off',
  'taken over',
  'stepped down',
  'stalled',
];

/** Whether a fault window hit an invocation over `[from, to]`, rerun from `until` on. */
function hits(
  w: FaultWindow,
  { from, to, until, leadMs, slackMs }: Parameters<FaultLog['explain']>[2],
): boolean {
  switch (w.kind) {
    case 'killed':
    case 'stopped':
      return w.from <= until && w.to >= from - leadMs;
    case 'stepped down':
      // No primary from `w.from` to `w.to`: only an outcome being written meanwhile is hit.
      // Leases outlast a step-down, so an invocation that merely ran across it must not rerun.
      return to >= w.from - slackMs && to <= w.to;
    default:
      return w.from <= to + slackMs && w.to >= from - leadMs;
  }
}

/**
 * Every fault a scenario injected, with its time window (`Date.now()` of this machine), and
 * when each worker process ended: what explains a handler invocation that did not count.
 */
export class FaultLog {
  private readonly windows: FaultWindow[] = [];
  private readonly ends = new Map<number, number>();

  /** Records a fault that lasts until the returned function is called. */
  open(kind: FaultWindow['kind'], pid: number | null, what: string): () => void {
    const window: FaultWindow = { kind, pid, from: Date.now(), to: Infinity, what };
    this.windows.push(window);
    return () => {
      window.to = Date.now();
    };
  }

  /** Records a fault over a known window. */
  add(window: FaultWindow): void {
    this.windows.push(window);
  }

  /** Records when a worker process ended (killed, stopped, or exited on its own). */
  ended(pid: number, at = Date.now()): void {
    if (!this.ends.has(pid)) this.ends.set(pid, at);
  }

  /** When a worker process ended, if it did. */
  endOf(pid: number): number | undefined {
    return this.ends.get(pid);
  }

  /** Windows in which `pid` did not run (SIGSTOP until SIGCONT, or a stall). */
  pausesOf(pid: number): Array<{ from: number; to: number }> {
    return this.windows.filter(
      (w) => (w.kind === 'paused' || w.kind === 'stalled') && w.pid === pid,
    );
  }

  /**
   * The fault that explains why an invocation on `pid` over `[from, to]` did not count: one
   * that hit its process (or every process) while it ran, within `leadMs` before it (while
   * its claim was in flight: a claim answered late leaves little of its lease), or within
   * `slackMs` after it (while its outcome was being written); a kill or a stop at any time
   * before the job ran again (`until`): an outcome still waiting to be written dies with the
   * process, and a stop releases the job if its outcome is not written within the grace
   * period; a step-down only when the invocation ended while there was no primary, or
   * `slackMs` before (its outcome write was in flight at the step-down). A fault aimed at one
   * job explains only that job's invocations.
   */
  explain(
    pid: number,
    jobId: string,
    window: { from: number; to: number; until: number; leadMs: number; slackMs: number },
  ): FaultWindow['kind'] | null {
    const hit = this.windows.filter(
      (w) =>
        (w.pid === null || w.pid === pid) &&
        (w.jobId === undefined || w.jobId === jobId) &&
        hits(w, window),
    );
    for (const kind of ORDER) if (hit.some((w) => w.kind === kind)) return kind;
    return null;
  }

  /** The fault nearest to `at` that hit `pid` (or every process), for a finding's message. */
  nearest(pid: number, at: number): FaultWindow | undefined {
    const distance = (w: FaultWindow) => (at < w.from ? w.from - at : at > w.to ? at - w.to : 0);
    return this.windows
      .filter((w) => w.pid === null || w.pid === pid)
      .sort((a, b) => distance(a) - distance(b))[0];
  }

  count(kind: FaultWindow['kind']): number {
    return this.windows.filter((w) => w.kind === kind).length;
  }

  all(): readonly FaultWindow[] {
    return this.windows;
  }
}
