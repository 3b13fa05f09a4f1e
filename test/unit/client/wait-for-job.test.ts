/**
 * `DocketClient.waitForJob` loops over the long poll `GET api/jobs/{id}/wait`, against a
 * fake fetch: how long it asks each call to wait, when it stops, and what it throws.
 */
import {
  ApiConnectionError,
  DocketClient,
  InvalidOptionsError,
  JobDeletedError,
  JobWaitTimeoutError,
  type ApiJobDetail,
  type ApiJobWaitResult,
} from '../../../src/client';

const BASE = 'http://jobs.test/jobs/';

const job = (state: ApiJobDetail['state']) =>
  ({ id: 'j1', type: 'report', queue: 'default', state, error: null }) as unknown as ApiJobDetail;

/**
 * A fetch answering the wait endpoint with `answers` in turn (the last one again and again),
 * each after the wait the call asked for, cut short when the call is aborted.
 */
function fakeWaits(answers: readonly unknown[]): {
  fetch: typeof fetch;
  asked: number[];
  aborted: () => boolean;
} {
  const asked: number[] = [];
  let lastSignal: AbortSignal | undefined;
  const fetchImpl = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(String(input));
    expect(url.pathname).toBe('/jobs/api/jobs/j1/wait');
    asked.push(Number(url.searchParams.get('timeoutMs')));
    if (asked.length > 50) throw new Error('the client kept calling');
    const signal = init?.signal ?? undefined;
    lastSignal = signal;
    const answer = answers[Math.min(asked.length, answers.length) - 1];
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(resolve, Math.min(asked.at(-1)!, 50));
      signal?.addEventListener('abort', () => {
        clearTimeout(timer);
        reject(signal.reason);
      });
    });
    return new Response(JSON.stringify(answer), {
      status: 200,
      headers: { 'content-type': 'application/json' },
    });
  }) as typeof fetch;
  return { fetch: fetchImpl, asked, aborted: () => lastSignal?.aborted === true };
}

const running: ApiJobWaitResult = { finished: false, state: 'processing' };

describe('DocketClient.waitForJob', () => {
  it('asks again while the job runs, and resolves with it once finished', async () => {
    const { fetch, asked } = fakeWaits([running, running, { finished: true, job: job('failed') }]);
    const client = new DocketClient({ baseUrl: BASE, fetch });
    await expect(client.waitForJob('j1')).resolves.toMatchObject({ id: 'j1', state: 'failed' });
    // Without a deadline each call waits as long as the call timeout allows, less a margin.
    expect(asked).toEqual([25_000, 25_000, 25_000]);
  });

  it('never asks a call to wait past its own deadline, nor past its call timeout', async () => {
    const { fetch, asked } = fakeWaits([running]);
    const client = new DocketClient({ baseUrl: BASE, fetch, timeoutMs: 4_000 });
    const error = await client.waitForJob('j1', { timeoutMs: 120 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobWaitTimeoutError);
    expect(error).toMatchObject({ jobId: 'j1', timeoutMs: 120, lastState: 'processing' });
    expect(asked[0]).toBeLessThanOrEqual(120);
    expect(asked.at(-1)).toBeLessThan(asked[0]);
    expect(asked.every((ms) => ms <= 2_000)).toBe(true);
  });

  it('looks once with timeoutMs 0', async () => {
    const { fetch, asked } = fakeWaits([running]);
    const client = new DocketClient({ baseUrl: BASE, fetch });
    await expect(client.waitForJob('j1', { timeoutMs: 0 })).rejects.toBeInstanceOf(
      JobWaitTimeoutError,
    );
    expect(asked).toEqual([0]);
  });

  it('throws JobDeletedError for a job that ended deleted', async () => {
    const { fetch } = fakeWaits([{ finished: true, job: job('deleted') }]);
    const error = await new DocketClient({ baseUrl: BASE, fetch })
      .waitForJob('j1')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobDeletedError);
    expect(error).toMatchObject({ jobId: 'j1', jobType: 'report', queue: 'default' });
  });

  it('abandons the call under way when its signal aborts, with the signal’s reason', async () => {
    const { fetch, asked, aborted } = fakeWaits([running]);
    const client = new DocketClient({ baseUrl: BASE, fetch });
    const controller = new AbortController();
    const reason = new Error('stop');
    const waiting = client.waitForJob('j1', { signal: controller.signal });
    while (asked.length < 2) await new Promise((resolve) => setImmediate(resolve));
    controller.abort(reason);
    await expect(waiting).rejects.toBe(reason);
    expect(aborted()).toBe(true);
    await expect(client.waitForJob('j1', { signal: AbortSignal.abort(reason) })).rejects.toBe(
      reason,
    );
    expect(asked).toHaveLength(2);
  });

  it('does not trust answers that are not wait results', async () => {
    for (const answer of [
      null,
      { finished: 'yes' },
      { finished: false },
      { finished: true, job: job('processing') },
      { finished: true },
    ]) {
      const { fetch } = fakeWaits([answer]);
      const client = new DocketClient({ baseUrl: BASE, fetch });
      await expect(client.waitForJob('j1')).rejects.toBeInstanceOf(ApiConnectionError);
    }
  });

  it('refuses bad ids and options before any call', async () => {
    const { fetch, asked } = fakeWaits([running]);
    const client = new DocketClient({ baseUrl: BASE, fetch });
    for (const [id, options] of [
      ['', undefined],
      [42, undefined],
      ['j1', { timeoutMs: -5 }],
      ['j1', { timeoutMs: Number.NaN }],
      ['j1', { signal: true }],
      ['j1', { deadline: 5 }],
    ] as const) {
      await expect(client.waitForJob(id as string, options as never)).rejects.toBeInstanceOf(
        InvalidOptionsError,
      );
    }
    expect(asked).toEqual([]);
  });
});
