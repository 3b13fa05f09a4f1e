import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page, Request } from 'playwright-core';
import { startDashboard, type RunningDashboard } from '../../../src/dashboard';
import { SCHEMA_VERSION, type Docket } from '../../../src';
import type { ServerRecord } from '../../../src/storage/mongo/mongo-server-registry';
import { launchChromium } from '../../helpers/chromium';
import { FAST_SERVER } from '../../helpers/docket';
import type { TestDatabase } from '../../helpers/mongo';
import { waitFor } from '../../helpers/wait-for';
import { WarehouseError, behaviour, openDashboardDocket, report } from './dashboard-fixture';

/**
 * Screenshots of what the test saw, to a scratch folder (docs/screenshots is written by
 * `npm run screenshots`; a test run must not change tracked files).
 */
const SCREENSHOTS = join(tmpdir(), 'docket-screenshots');
const FIRST_LOAD_LIMIT = 200 * 1024;

/**
 * The web UI in a real browser (headless Chromium driven by playwright-core: CHROMIUM_PATH, a
 * system Chromium, or the one in the npm package @sparticuz/chromium): live counts, a failed
 * job retried from its page, escaping of stored data, page weight. Never skipped: without a
 * browser the suite fails and says what it tried.
 */
describe('dashboard web UI in chromium', () => {
  let db: TestDatabase;
  let docket: Docket;
  let dashboard: RunningDashboard;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];

  const stateOf = async (id: string) => (await docket.getJob(id))?.state;

  beforeAll(async () => {
    // First, so that a missing browser fails the suite before anything else starts.
    ({ browser } = await launchChromium());
    ({ db, docket } = await openDashboardDocket('dashboard_browser'));
    await docket.startServer({ ...FAST_SERVER, queues: ['default', 'reports'] });
    dashboard = await startDashboard(docket, { basePath: '/docket', refreshIntervalMs: 500 });
    context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    context.setDefaultTimeout(10_000);
    page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await dashboard?.close();
    await docket?.close();
    await db?.cleanup();
  });

  it('shows live counts, opens a failed job, retries it and sees it succeed', async () => {
    behaviour.run = async (job, ctx) => {
      if (job.note === 'flaky') throw new WarehouseError(`warehouse busy for month ${job.month}`);
      await ctx.progress(100, 'rendered');
    };
    const { scheduler } = docket;
    const done = await Promise.all(
      Array.from({ length: 6 }, (_, i) => scheduler.enqueue(report(1 + i, 'nightly'))),
    );
    const failed = await scheduler.enqueue(report(11, 'flaky'), { queue: 'reports' });
    await scheduler.schedule(report(12, 'year end'), { delayMs: 3_600_000 }, { queue: 'reports' });
    await scheduler.addOrUpdateRecurring('monthly-report', report(1, 'recurring'), '0 9 1 * *');
    await waitFor(async () => (await stateOf(failed)) === 'failed', {
      what: 'the flaky job to fail',
    });
    await waitFor(
      async () => (await Promise.all(done.map(stateOf))).every((state) => state === 'succeeded'),
      { what: 'the nightly jobs' },
    );

    await page.goto(dashboard.url);
    await page.locator('#count-failed').filter({ hasText: '1' }).waitFor();
    expect(await page.locator('#count-succeeded').textContent()).toBe('6');
    expect(await page.locator('#count-scheduled').textContent()).toBe('1');
    expect(await page.locator('#chart-succeeded').textContent()).toBe('6');
    expect(await page.locator('#chart-failed').textContent()).toBe('1');

    // Live: a job finishing now shows up without a reload.
    await scheduler.enqueue(report(7, 'late'));
    await page.locator('#count-succeeded').filter({ hasText: '7' }).waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'overview.png'), fullPage: true });

    await page.locator('a.tile.state-failed').click();
    await page.waitForURL(`${dashboard.url}jobs/failed`);
    const row = page.locator(`tr.job-row[data-id="${failed}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain('WarehouseError: warehouse busy for month 11');
    await row.locator('a').first().click();
    await page.waitForURL(`${dashboard.url}job/${failed}`);
    await page.locator('#job-error').waitFor();
    expect(await page.locator('#job-state').textContent()).toBe('failed');
    expect(await page.locator('pre.stack').textContent()).toContain('WarehouseError');
    expect(await page.locator('#job-payload').textContent()).toContain('"month": 11');
    await page.screenshot({ path: join(SCREENSHOTS, 'job.png'), fullPage: true });

    behaviour.run = async (_job, ctx) => {
      await ctx.progress(100, 'rendered on retry');
    };
    await page.locator('button.retry').click();
    await page.locator('#job-state').filter({ hasText: 'succeeded' }).waitFor();
    await page.locator('#job-progress').waitFor();
    expect(await page.locator('.timeline li').count()).toBeGreaterThanOrEqual(6);
    expect(await stateOf(failed)).toBe('succeeded');
    await page.screenshot({ path: join(SCREENSHOTS, 'job-retried.png'), fullPage: true });

    const rows = {
      recurring: 'tr[data-recurring]',
      servers: 'tr[data-server]',
      // 'default' sorts first: a served queue is listed even with nothing in it.
      queues: 'tr[data-queue="reports"]',
    };
    // A second server whose handlers overran their timeout: the page says so beside its load.
    const now = new Date();
    await db.client
      .db(db.dbName)
      .collection<ServerRecord>('docket.servers')
      .insertOne({
        _id: 'overrunning-server',
        hostname: 'worker-2',
        pid: 4242,
        queues: ['reports'],
        jobTypes: [],
        concurrency: 3,
        startedAt: now,
        heartbeatAt: now,
        running: 3,
        overrunning: 2,
        pickup: 'polling',
      });
    const texts: string[] = [];
    for (const [path, selector] of Object.entries(rows)) {
      await page.locator(`#nav a[href="/docket/${path}"]`).click();
      texts.push((await page.locator(selector).first().textContent()) ?? '');
    }
    expect(texts[0]).toContain('0 9 1 * *');
    expect(texts[1]).toContain('alive');
    await page.locator('#nav a[href="/docket/servers"]').click();
    expect(
      await page.locator('tr[data-server="overrunning-server"] [data-overrunning]').textContent(),
    ).toBe('2 overrunning');
    // How each server learns of new work: the one polling stands out.
    expect(
      await page.locator('tr[data-server="overrunning-server"] [data-pickup]').textContent(),
    ).toBe('polling');
    expect(
      await page
        .locator('tr[data-server]:not([data-server="overrunning-server"]) [data-pickup]')
        .textContent(),
    ).toMatch(/^push: (change-stream|notifications)$/);
    // Under the servers, the database's schema version.
    expect(await page.locator('#schema-version').textContent()).toBe(
      `Database schema ${SCHEMA_VERSION.major}.${SCHEMA_VERSION.minor}`,
    );
    expect(texts[2]).toContain('reports');
    expect(pageErrors).toEqual([]);
  });

  it('renders stored HTML and script as text (no XSS)', async () => {
    const attack = '<img src=x onerror=window.__xss=1><script>window.__xss=2</script>';
    behaviour.run = async () => {
      throw new WarehouseError(attack);
    };
    const id = await docket.scheduler.enqueue(report(9, attack), { queue: 'reports' });
    await waitFor(async () => (await stateOf(id)) === 'failed');

    await page.goto(`${dashboard.url}job/${id}`);
    await page.locator('#job-payload').waitFor();
    expect(await page.locator('#job-payload').textContent()).toContain(attack);
    expect(await page.locator('#job-error').textContent()).toBe(`WarehouseError: ${attack}`);
    await page.goto(`${dashboard.url}jobs/failed`);
    await page.locator(`tr.job-row[data-id="${id}"]`).waitFor();
    expect(await page.locator(`tr.job-row[data-id="${id}"]`).textContent()).toContain(attack);
    expect(await page.locator('main img, main script').count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as { __xss?: number }).__xss)).toBeUndefined();
  });

  it('shows a malformed link as not found instead of a blank page', async () => {
    const errors = pageErrors.length;
    // A truncated percent-encoding: decodeURIComponent throws on it.
    const response = await page.goto(`${dashboard.url}job/%E0%A4%A`);
    expect(response?.status()).toBe(404);
    const message = page.locator('#invalid-link');
    await message.waitFor();
    expect(await message.textContent()).toContain('not a valid link');
    expect(await page.locator('main[aria-busy="false"]').count()).toBe(1);
    // The rest of the UI still works from there.
    await page.locator('#nav a[href="/docket/queues"]').click();
    await page.locator('tr[data-queue]').first().waitFor();
    // Chromium logs the page's own 404 to the console; nothing else may fail.
    const own404 = 'Failed to load resource: the server responded with a status of 404 (Not Found)';
    expect(pageErrors.slice(errors)).toEqual([own404]);
  });

  it(`loads every page in under ${FIRST_LOAD_LIMIT / 1024} KB`, async () => {
    const sizes: Record<string, number> = {};
    const jobId = await docket.scheduler.enqueue(report(8, 'size'));
    const paths = [
      '',
      'charts',
      'jobs/succeeded',
      `job/${jobId}`,
      'recurring',
      'servers',
      'queues',
    ];
    for (const path of paths) {
      const fresh = await browser.newContext();
      const tab = await fresh.newPage();
      const measured: Promise<number>[] = [];
      const measure = (request: Request) => {
        measured.push(
          request.sizes().then((size) => size.responseBodySize + size.responseHeadersSize),
        );
      };
      tab.on('requestfinished', measure);
      await tab.goto(`${dashboard.url}${path}`);
      await tab.locator('main[aria-busy="false"]').waitFor();
      // Stop before summing: a live refresh finishing later is not part of the first load, and
      // its measurement would reject once the context below is closed (seen on a busy machine).
      tab.off('requestfinished', measure);
      sizes[path === '' ? 'overview' : path] = (await Promise.all(measured)).reduce(
        (sum, bytes) => sum + bytes,
        0,
      );
      await fresh.close();
    }
    process.stdout.write(`first-load bytes per page: ${JSON.stringify(sizes)}\n`);
    for (const [path, bytes] of Object.entries(sizes)) {
      expect({ path, bytes, under: bytes < FIRST_LOAD_LIMIT }).toEqual({
        path,
        bytes,
        under: true,
      });
    }
  });
});
