import type { StartRecord } from './protocol';

/** Numbers per start: the job's sequence number, when it was enqueued, when it started. */
const FIELDS = 3;
const INITIAL_STARTS = 1_024;

/**
 * The starts a worker saw, three doubles each in one growing buffer. An array of tuples cost
 * the worker's heap about 250 bytes per job, which over a 100,000-job drain grew V8's heap
 * (and the RSS the bench reports as the system's) by tens of MiB that were the harness's own;
 * here a start costs 24 bytes outside the heap.
 */
export class StartLog {
  private buffer = new Float64Array(FIELDS * INITIAL_STARTS);
  private count = 0;

  get length(): number {
    return this.count;
  }

  push(seq: number, enqueuedAt: number, startedAt: number): void {
    const at = FIELDS * this.count;
    if (at === this.buffer.length) {
      const grown = new Float64Array(this.buffer.length * 2);
      grown.set(this.buffer);
      this.buffer = grown;
    }
    this.buffer[at] = seq;
    this.buffer[at + 1] = enqueuedAt;
    this.buffer[at + 2] = startedAt;
    this.count++;
  }

  /** The starts as the protocol sends them (built when collected, not while measuring). */
  records(): StartRecord[] {
    const out: StartRecord[] = new Array(this.count);
    for (let i = 0; i < this.count; i++) {
      const at = FIELDS * i;
      out[i] = [this.buffer[at], this.buffer[at + 1], this.buffer[at + 2]];
    }
    return out;
  }
}
