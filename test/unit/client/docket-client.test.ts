import {
  ApiConnectionError,
  ApiCursorLoopError,
  ApiResponseTooLargeError,
  DocketApiError,
  DocketClient,
  InvalidOptionsError,
  type ApiJobPage,
} from '../../../src/client';

const BASE = 'http://jobs.test/jobs/';

/** A fetch that answers every call with `answer(url)` as JSON; records the URLs called. */
function fakeFetch(answer: (url: URL) => unknown): { fetch: typeof fetch; calls: URL[] } {
  const calls: URL[] = [];
  const fetchImpl = (async (input: string | URL | Request) => {
    const url = new URL(String(input));
    calls.push(url);
    // A client that loops must fail the test, not hang it.
    if (calls.length > 50) throw new Error('the client kept calling');
    return new Response(JSON.stringify(answer(url)), {
      status: 200,
      headers: { 'content-type': 'application/json' },
    });
  }) as typeof fetch;
  return { fetch: fetchImpl, calls };
}

const summary = (id: string) => ({ id }) as unknown as ApiJobPage['items'][number];

/** Rejects if `promise` has not settled within `ms`: a client that hangs fails the test. */
function settlesWithin<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`did not settle within ${ms} ms`)), ms);
    }),
  ]);
}

describe('DocketClient does not trust the answers it gets', () => {
  it('stops iterating when the API repeats a cursor instead of looping forever', async () => {
    const { fetch, calls } = fakeFetch(
      (url) =>
        url.searchParams.get('cursor') === null
          ? { items: [summary('a')], nextCursor: 'c1' }
          : url.searchParams.get('cursor') === 'c1'
            ? { items: [summary('b')], nextCursor: 'c2' }
            : { items: [summary('c')], nextCursor: 'c1' }, // back to a page already read
    );
    const client = new DocketClient({ baseUrl: BASE, fetch });
    const seen: string[] = [];
    const error = await (async () => {
      for await (const job of client.iterateJobs({ state: 'failed' })) seen.push(job.id);
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiCursorLoopError);
    expect(error).toBeInstanceOf(DocketApiError);
    expect(error).toMatchObject({ apiCode: 'CURSOR_LOOP', cursor: 'c1', status: 200 });
    expect((error as Error).message).toMatch(/nextCursor 'c1'.*already/);
    expect(seen).toEqual(['a', 'b', 'c']);
    expect(calls).toHaveLength(3);

    const same = fakeFetch(() => ({ items: [], nextCursor: 'stuck' }));
    const stuck = new DocketClient({ baseUrl: BASE, fetch: same.fetch });
    await expect(
      (async () => {
        for await (const job of stuck.iterateJobs()) void job;
      })(),
    ).rejects.toBeInstanceOf(ApiCursorLoopError);
    expect(same.calls).toHaveLength(2);
  });

  it('refuses answers larger than maxResponseBytes, declared or streamed', async () => {
    expect(() => new DocketClient({ baseUrl: BASE, maxResponseBytes: 0 })).toThrow(
      InvalidOptionsError,
    );
    expect(() => new DocketClient({ baseUrl: BASE, maxResponseBytes: 0 })).toThrow(
      /maxResponseBytes must be an integer between 1024 and/,
    );
    const big = JSON.stringify({ items: [{ id: 'x'.repeat(5_000) }], nextCursor: null });
    let cancelled = false;
    const streamed = (async () => {
      const bytes = new TextEncoder().encode(big);
      let sent = 0;
      // No Content-Length: the limit must hold while reading, and stop the download.
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          controller.enqueue(bytes.subarray(sent, sent + 512));
          sent += 512;
          if (sent >= bytes.length) controller.close();
        },
        cancel() {
          cancelled = true;
        },
      });
      return new Response(body, { status: 200 });
    }) as typeof fetch;
    const client = new DocketClient({ baseUrl: BASE, fetch: streamed, maxResponseBytes: 2_048 });
    const error = await client.listJobs().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiResponseTooLargeError);
    expect(error).toBeInstanceOf(DocketApiError);
    expect(error).toMatchObject({ maxResponseBytes: 2_048, apiCode: 'RESPONSE_TOO_LARGE' });
    expect(cancelled).toBe(true);

    const declared = (async () =>
      new Response(big, {
        status: 200,
        headers: { 'content-length': String(big.length) },
      })) as typeof fetch;
    const tooBig = new DocketClient({ baseUrl: BASE, fetch: declared, maxResponseBytes: 2_048 });
    await expect(tooBig.listJobs()).rejects.toBeInstanceOf(ApiResponseTooLargeError);
    const fits = new DocketClient({ baseUrl: BASE, fetch: declared });
    await expect(fits.listJobs()).resolves.toMatchObject({ nextCursor: null });
  });

  it('counts the headers() callback in the timeout', async () => {
    const { fetch, calls } = fakeFetch(() => ({}));
    const client = new DocketClient({
      baseUrl: BASE,
      fetch,
      timeoutMs: 100,
      headers: () => new Promise<Record<string, string>>(() => undefined), // never resolves
    });
    const error = await settlesWithin(client.getStats(), 5_000).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiConnectionError);
    expect((error as Error).message).toMatch(/no answer within 100 ms/);
    expect(calls).toHaveLength(0);

    const failing = new DocketClient({
      baseUrl: BASE,
      fetch,
      headers: () => Promise.reject(new Error('token service down')),
    });
    await expect(failing.getStats()).rejects.toThrow(/token service down/);
  });
});
