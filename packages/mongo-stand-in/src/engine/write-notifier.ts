type Document = Record<string, unknown>;

/**
 * One change to one namespace (`db.collection`), reported once it is made. Documents are
 * the stored ones, never mutated afterwards (see CollectionState): a listener may keep them.
 */
export type WriteEvent =
  | { readonly kind: 'insert'; readonly ns: string; readonly document: Document }
  | {
      readonly kind: 'update';
      readonly ns: string;
      readonly before: Document;
      readonly after: Document;
      /** True when a replacement document, not update operators or a pipeline, made it. */
      readonly replacement: boolean;
    }
  | {
      readonly kind: 'delete';
      readonly ns: string;
      readonly document: Document;
      /** True when a capped collection evicted the document to make room, as mongod does. */
      readonly evicted: boolean;
    }
  | { readonly kind: 'drop'; readonly ns: string }
  /** A whole database dropped, after the drops of its collections; `ns` is the database's name. */
  | { readonly kind: 'dropDatabase'; readonly ns: string }
  | { readonly kind: 'rename'; readonly ns: string; readonly to: string };

/**
 * Hears the changes of a namespace. It runs synchronously inside the write, before the
 * write command has answered: it must not run commands or touch the store, only note what
 * happened and defer its work (a waiting getMore schedules its retry; a change stream
 * queues the event).
 */
export type WriteListener = (event: WriteEvent) => void;

/** A listener that ignores every change (a collection outside any store). */
export const IGNORE_WRITES: WriteListener = () => undefined;

/**
 * Per-namespace write notifications: what awaitData getMores wait on, and what change
 * streams will read. Listeners hear the changes of their namespace in the order they are
 * made; one that throws is reported and the others still hear the change, so a faulty
 * listener can never break the write that notified it.
 */
export class WriteNotifier {
  private readonly listeners = new Map<string, Set<WriteListener>>();
  /** Listeners of every namespace (the replica-set mode's change log), heard first. */
  private readonly everywhere = new Set<WriteListener>();
  private failureReported = false;

  /** Listens to the changes of every namespace until the returned function is called. */
  subscribeAll(listener: WriteListener): () => void {
    const subscription: WriteListener = (event) => listener(event);
    this.everywhere.add(subscription);
    return () => {
      this.everywhere.delete(subscription);
    };
  }

  /** Listens to the changes of `ns` until the returned function is called (idempotent). */
  subscribe(ns: string, listener: WriteListener): () => void {
    let set = this.listeners.get(ns);
    if (!set) {
      set = new Set();
      this.listeners.set(ns, set);
    }
    // A wrapper per subscription, so that one listener may subscribe twice independently.
    const subscription: WriteListener = (event) => listener(event);
    set.add(subscription);
    return () => {
      const current = this.listeners.get(ns);
      if (!current?.delete(subscription)) return;
      if (current.size === 0) this.listeners.delete(ns);
    };
  }

  /** Tells the listeners of `event.ns` about a change. */
  notify(event: WriteEvent): void {
    const set = this.listeners.get(event.ns);
    if (!set && this.everywhere.size === 0) return;
    // Copied only when a namespace has listeners: one may unsubscribe while hearing it. The
    // replica-set mode's change log hears every write, and takes no copy.
    for (const listener of this.everywhere) this.tell(listener, event);
    if (set) for (const listener of [...set]) this.tell(listener, event);
  }

  private tell(listener: WriteListener, event: WriteEvent): void {
    try {
      listener(event);
    } catch (error) {
      this.report(error);
    }
  }

  /** How many subscriptions are open, on `ns` or on every namespace. */
  listenerCount(ns?: string): number {
    if (ns !== undefined) return this.listeners.get(ns)?.size ?? 0;
    let count = 0;
    for (const set of this.listeners.values()) count += set.size;
    return count;
  }

  private report(error: unknown): void {
    if (this.failureReported) return;
    this.failureReported = true;
    process.stderr.write(
      `docket stand-in: a write listener failed (reported once): ${String(error)}\n`,
    );
  }
}
