import type { Logger } from 'winston';
import type { DocketEventName, DocketEvents } from './docket-events';

type Listener<K extends DocketEventName> = (payload: DocketEvents[K]) => unknown;

/**
 * Typed events. A listener that throws or rejects is reported (logged and re-emitted as
 * `error`), never allowed to break the emitter's caller; a throwing `error` listener is only
 * logged, so reporting cannot loop.
 */
export class EventBus {
  private readonly listeners = new Map<DocketEventName, Set<Listener<DocketEventName>>>();

  constructor(private readonly logger: Logger) {}

  /** Adds a listener; returns a function that removes it. */
  on<K extends DocketEventName>(event: K, listener: Listener<K>): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener as Listener<DocketEventName>);
    return () => this.off(event, listener);
  }

  /** Removes a listener added with {@link on}. */
  off<K extends DocketEventName>(event: K, listener: Listener<K>): void {
    this.listeners.get(event)?.delete(listener as Listener<DocketEventName>);
  }

  /** Calls every listener of `event` synchronously, isolating their failures. */
  emit<K extends DocketEventName>(event: K, payload: DocketEvents[K]): void {
    if (event === 'error') {
      const { error, context } = payload as DocketEvents['error'];
      this.logger.error(`${context}: ${error.message}`, { error });
    }
    const set = this.listeners.get(event);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        const result = listener(payload);
        if (isThenable(result))
          result.then(undefined, (error) => this.listenerFailed(event, error));
      } catch (error) {
        this.listenerFailed(event, error);
      }
    }
  }

  private listenerFailed(event: DocketEventName, error: unknown): void {
    const failure = error instanceof Error ? error : new Error(String(error));
    if (event === 'error') {
      this.logger.error(`an 'error' listener threw: ${failure.message}`, { error: failure });
      return;
    }
    this.emit('error', { error: failure, context: `a '${event}' listener threw` });
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}
