import { useLayoutEffect, useState } from 'preact/hooks';

/** Something components can watch: it calls its listeners when it changes. */
export class Observable {
  private readonly listeners = new Set<() => void>();

  /** Calls `listener` at every change until the returned function is called. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  protected notify(): void {
    for (const listener of [...this.listeners]) listener();
  }
}

/** Re-renders the calling component whenever `source` changes; returns `read()`. */
export function useObserved<T>(source: Observable, read: () => T): T {
  const [, setVersion] = useState(0);
  useLayoutEffect(() => source.subscribe(() => setVersion((version) => version + 1)), [source]);
  return read();
}
