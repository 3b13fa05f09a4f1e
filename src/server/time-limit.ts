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
  private outstanding = 0;

  constructor(private readonly max: number) {}

  /**
   * Sends `request` unless `max` requests await their answer; resolves true once answered,
   * false when it sent nothing.
   * @throws what the request throws, or a `StorageError` when `ms` passed without an answer.
   */
  async send(request: () => Promise<unknown>, ms: number, what: string): Promise<boolean> {
    if (this.outstanding >= this.max) return false;
    this.outstanding++;
    const answer = Promise.resolve()
      .then(request)
      .finally(() => this.outstanding--);
    await withTimeLimit(answer, ms, what);
    return true;
  }
}
