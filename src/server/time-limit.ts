import { StorageError } from '../errors';

/**
 * Settles as `promise` does, or rejects with a {@link StorageError} once `ms` passed without
 * an answer. A late answer is ignored (a late failure included: it is not an unhandled
 * rejection), so a caller that gave up can go on, and a client closing meanwhile cannot
 * turn the abandoned call into an error report.
 */
export function withTimeLimit<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new StorageError(`Could not ${what}: no answer within ${ms} ms`)),
      ms,
    );
  });
  promise.catch(() => undefined);
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Sends requests of one kind (a heartbeat's renewals, its announcements) without flooding a
 * slow server: while `max` of them still await their answer, a new one is not sent. A caller
 * waits for an answer at most `ms` (see {@link withTimeLimit}); a late answer still lands.
 */
export class RequestGate {
  private readonly outstanding = new Set<Promise<unknown>>();

  constructor(private readonly max: number) {}

  /**
   * Sends `request` unless `max` requests await their answer; resolves true once answered,
   * false when it sent nothing.
   * @throws what the request throws, or a `StorageError` when `ms` passed without an answer.
   */
  async send(request: () => Promise<unknown>, ms: number, what: string): Promise<boolean> {
    if (this.outstanding.size >= this.max) return false;
    const answer: Promise<unknown> = Promise.resolve()
      .then(request)
      .finally(() => this.outstanding.delete(answer));
    this.outstanding.add(answer);
    await withTimeLimit(answer, ms, what);
    return true;
  }

  /**
   * Resolves once every request sent so far has its answer (those given up on included),
   * or after `ms`, whichever comes first; never rejects.
   */
  async settled(ms: number): Promise<void> {
    if (this.outstanding.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.outstanding]),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, ms))),
    ]);
    clearTimeout(timer);
  }
}
