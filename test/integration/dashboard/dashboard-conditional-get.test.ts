import { createHash } from 'node:crypto';
import { startDashboard, type RunningDashboard } from '../../../src/dashboard';
import type { Docket } from '../../../src';
import type { TestDatabase } from '../../helpers/mongo';
import { openDashboardDocket, report } from './dashboard-fixture';

const JSON_HEADERS = { 'content-type': 'application/json' };

/**
 * Conditional GETs, which the web UI's polling relies on: every successful GET of the API
 * carries an ETag, the hash of its body (less the server's clock), and a matching
 * If-None-Match gets 304 without one.
 */
describe('dashboard API ETags', () => {
  let db: TestDatabase;
  let docket: Docket;
  let dashboard: RunningDashboard;
  const url = (path: string) => `${dashboard.url}api/${path}`;

  beforeAll(async () => {
    ({ db, docket } = await openDashboardDocket('dashboard_etags'));
    dashboard = await startDashboard(docket);
  });

  afterAll(async () => {
    await dashboard?.close();
    await docket?.close();
    await db?.cleanup();
  });

  it('tags a GET with the hash of its body and answers 304 while it is unchanged', async () => {
    const first = await fetch(url('queues'));
    const body = await first.text();
    const etag = first.headers.get('etag');
    const hash = createHash('sha256').update(body).digest('base64url').slice(0, 22);
    expect(etag).toBe(`"${hash}"`);
    expect(first.headers.get('cache-control')).toBe('no-store');

    for (const ifNoneMatch of [etag!, `W/${etag}`, `"other", ${etag}`, '*']) {
      const again = await fetch(url('queues'), { headers: { 'if-none-match': ifNoneMatch } });
      expect({ ifNoneMatch, status: again.status }).toEqual({ ifNoneMatch, status: 304 });
      expect(again.headers.get('etag')).toBe(etag);
      expect(await again.text()).toBe('');
    }
    const head = await fetch(url('queues'), { method: 'HEAD' });
    expect(head.headers.get('etag')).toBe(etag);

    await docket.pauseQueue('conditional', { allowUnknown: true });
    const changed = await fetch(url('queues'), { headers: { 'if-none-match': etag! } });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
    expect(await changed.text()).toContain('"conditional"');
    await docket.resumeQueue('conditional');
  });

  it('leaves the clock out of the statistics ETag: unchanged statistics are a 304', async () => {
    // The statistics' buckets move on at each wall-clock minute: a pair of requests that
    // straddles one is a real change, and is tried again.
    const minute = () => Math.floor(Date.now() / 60_000);
    let outcome: { status: number; sameMinute: boolean } = { status: 0, sameMinute: false };
    let etag: string | null = null;
    for (let tries = 0; tries < 3 && !outcome.sameMinute; tries++) {
      const before = minute();
      const first = await fetch(url('stats'));
      etag = first.headers.get('etag');
      expect((await first.json()) as { now: string }).toHaveProperty('now');
      const again = await fetch(url('stats'), { headers: { 'if-none-match': etag! } });
      outcome = { status: again.status, sameMinute: minute() === before };
      if (outcome.sameMinute) expect(await again.text()).toBe('');
    }
    expect(outcome).toEqual({ status: 304, sameMinute: true });
    expect(etag).toMatch(/^W\/"[\w-]{22}"$/);

    await docket.scheduler.enqueue(report(1, 'etag'));
    const changed = await fetch(url('stats'), { headers: { 'if-none-match': etag! } });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
  });

  it('tags no error and no action', async () => {
    const missing = await fetch(url('jobs/no-such-job'), { headers: { 'if-none-match': '*' } });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('etag')).toBeNull();
    const action = await fetch(url('queues/conditional/pause'), {
      method: 'POST',
      headers: { ...JSON_HEADERS, 'if-none-match': '*' },
      body: '{"allowUnknown":true}',
    });
    expect(action.status).toBe(200);
    expect(action.headers.get('etag')).toBeNull();
    await docket.resumeQueue('conditional');
  });
});
