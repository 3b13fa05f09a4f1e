import { ApiError, type ApiClient } from './api-client';
import { Observable } from './observable';

/** What a page reads of one API path. */
export interface Resource<T> {
  /** The last body answered; undefined until the first answer. */
  readonly data: T | undefined;
  /** Why the last request failed; cleared by the next answer. */
  readonly error: ApiError | undefined;
}

/** The live line: when the data was last confirmed, or why it could not be. */
export type LiveStatus =
  | { readonly kind: 'waiting' }
  | { readonly kind: 'updated'; readonly at: Date }
  | { readonly kind: 'offline'; readonly message: string };

/** The live line's state, watched by the status bar. */
export class LiveStatusLine extends Observable {
  private current: LiveStatus = { kind: 'waiting' };

  get status(): LiveStatus {
    return this.current;
  }

  set(status: LiveStatus): void {
    this.current = status;
    this.notify();
  }
}

interface Entry {
  snapshot: Resource<unknown>;
  etag: string | null;
  /** The request in flight for this path: one at a time. */
  loading: Promise<ApiError | null> | null;
  readonly listeners: Set<() => void>;
}

const NOTHING_YET: Resource<never> = { data: undefined, error: undefined };

/**
 * The API paths the pages on screen show, kept fresh by conditional polling. Each path is
 * asked with the ETag of its last answer; a 304 changes nothing, so no component re-renders
 * when nothing changed. A path is polled while a component subscribes to it.
 */
export class LiveStore {
  /** When data last arrived, or why it did not. */
  readonly line = new LiveStatusLine();
  private readonly entries = new Map<string, Entry>();
  private refreshing: Promise<void> | null = null;
  private again = false;

  constructor(private readonly api: ApiClient) {}

  /** The latest of `path` (nothing until its first answer). */
  read<T>(path: string): Resource<T> {
    return (this.entries.get(path)?.snapshot ?? NOTHING_YET) as Resource<T>;
  }

  /**
   * Keeps `path` fresh and calls `listener` when its data or error changes, until the
   * returned function is called. The first subscriber of a path loads it at once.
   */
  subscribe(path: string, listener: () => void): () => void {
    let entry = this.entries.get(path);
    if (entry === undefined) {
      const created: Entry = {
        snapshot: NOTHING_YET,
        etag: null,
        loading: null,
        listeners: new Set(),
      };
      this.entries.set(path, created);
      void this.load(path, created).then((failure) => this.report([failure]));
      entry = created;
    }
    const watched = entry;
    watched.listeners.add(listener);
    return () => {
      watched.listeners.delete(listener);
      if (watched.listeners.size === 0 && this.entries.get(path) === watched) {
        this.entries.delete(path);
      }
    };
  }

  /**
   * Asks every watched path again. A call while a refresh runs makes that refresh go round
   * once more, so that what an action just changed is always read after the action.
   */
  refresh(): Promise<void> {
    if (this.refreshing !== null) {
      this.again = true;
      return this.refreshing;
    }
    this.refreshing = this.refreshAll().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  /** A timer's refresh: skipped while the page is hidden or the previous one still runs. */
  tick(): void {
    if (document.hidden || this.refreshing !== null) return;
    void this.refresh();
  }

  private async refreshAll(): Promise<void> {
    do {
      this.again = false;
      const watched = [...this.entries];
      this.report(await Promise.all(watched.map(([path, entry]) => this.load(path, entry))));
    } while (this.again);
  }

  private async load(path: string, entry: Entry): Promise<ApiError | null> {
    while (entry.loading !== null) await entry.loading;
    entry.loading = this.fetchInto(path, entry);
    try {
      return await entry.loading;
    } finally {
      entry.loading = null;
    }
  }

  private async fetchInto(path: string, entry: Entry): Promise<ApiError | null> {
    try {
      const answer = await this.api.get(path, entry.etag);
      if (answer.kind === 'fresh') {
        entry.etag = answer.etag;
        this.publish(entry, { data: answer.data, error: undefined });
      } else if (entry.snapshot.error !== undefined) {
        this.publish(entry, { data: entry.snapshot.data, error: undefined });
      }
      return null;
    } catch (caught) {
      const error = caught instanceof ApiError ? caught : new ApiError(String(caught), 0);
      const before = entry.snapshot.error;
      if (before?.status !== error.status || before.message !== error.message) {
        this.publish(entry, { data: entry.snapshot.data, error });
      }
      return error;
    }
  }

  private publish(entry: Entry, snapshot: Resource<unknown>): void {
    entry.snapshot = snapshot;
    for (const listener of [...entry.listeners]) listener();
  }

  /** A 404 is a page's own answer (a job that is gone); any other failure means offline. */
  private report(failures: readonly (ApiError | null)[]): void {
    const down = failures.find((failure) => failure !== null && failure.status !== 404);
    this.line.set(
      down ? { kind: 'offline', message: down.message } : { kind: 'updated', at: new Date() },
    );
  }
}
