import type { ApiJobLogLine, ApiJobLogPage } from '../../../../src/dashboard/api-types';
import { ApiError, type ApiClient } from './api-client';
import { Observable } from './observable';

/** What has been read of a job's log. */
export interface JobLogSnapshot {
  /** The lines read, in order. */
  readonly lines: readonly ApiJobLogLine[];
  /** The log held more lines than the last page carried. */
  readonly more: boolean;
  /** A read is running. */
  readonly reading: boolean;
  /** Why the last read failed; cleared by the next answer. */
  readonly error: ApiError | undefined;
}

/**
 * A job's log, read forward a page at a time from where the last read ended
 * (`GET api/jobs/{id}/logs?after=`). Reads run one after another, so a read asked for after
 * something happened (the job was seen finished) answers with what was stored by then.
 */
export class JobLogFeed extends Observable {
  private current: JobLogSnapshot = { lines: [], more: false, reading: false, error: undefined };
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly api: ApiClient,
    private readonly jobId: string,
    private readonly pageSize: number,
  ) {
    super();
  }

  get snapshot(): JobLogSnapshot {
    return this.current;
  }

  /** Reads the next page; resolves with how many lines it added (0 when it failed). */
  readPage(): Promise<number> {
    const read = this.queue.then(() => this.fetchPage());
    this.queue = read;
    return read;
  }

  /** Reads pages until the end of the log as stored now; resolves with the lines added. */
  async readToEnd(): Promise<number> {
    let added = 0;
    do {
      added += await this.readPage();
    } while (this.current.more && this.current.error === undefined);
    return added;
  }

  private async fetchPage(): Promise<number> {
    const { lines } = this.current;
    const after = lines.length === 0 ? 0 : lines[lines.length - 1]!.seq + 1;
    this.update({ reading: true });
    try {
      const path = `jobs/${encodeURIComponent(this.jobId)}/logs?after=${after}&limit=${this.pageSize}`;
      const answer = await this.api.get(path, null);
      const page = (answer.kind === 'fresh' ? answer.data : null) as ApiJobLogPage | null;
      const added = (page?.lines ?? []).filter((line) => line.seq >= after);
      this.update({
        lines: added.length === 0 ? lines : [...lines, ...added],
        more: page !== null && page.next !== null,
        reading: false,
        error: undefined,
      });
      return added.length;
    } catch (caught) {
      const error = caught instanceof ApiError ? caught : new ApiError(String(caught), 0);
      this.update({ reading: false, error });
      return 0;
    }
  }

  private update(change: Partial<JobLogSnapshot>): void {
    this.current = { ...this.current, ...change };
    this.notify();
  }
}
