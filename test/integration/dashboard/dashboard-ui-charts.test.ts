import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { openPage, openUiTestBed, openTestPage, type UiTestBed } from './ui-test-bed';

/** What the test saw, to a scratch folder (a test run must not change tracked files). */
const SCREENSHOTS = join(tmpdir(), 'docket-screenshots');

/**
 * The charts page, opened for a queue and a type named in its URL, and the servers page
 * with the job its server is running, on the scene of test/helpers/dashboard-scene.ts: in
 * the reports queue one monthly report failed for good and one succeeded on its second
 * attempt; four invoices succeeded in the default queue; a transcode runs (reporting 35%)
 * until the scene's server stops.
 */
describe('dashboard web UI: charts, and the jobs each server runs', () => {
  let bed: UiTestBed;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    bed = await openUiTestBed('ui_charts');
    ({ context, page, errors } = await openTestPage(bed.browser, { width: 1280, height: 900 }));
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    await bed?.close();
  });

  afterEach(() => {
    expect(errors?.splice(0)).toEqual([]);
  });

  /** The sum of a numeric column of the figures table (in the DOM, even while folded). */
  const figuresTotal = async (column: number) => {
    const cells = await page
      .locator(`details.figures tbody tr td:nth-child(${column})`)
      .allTextContents();
    return cells.reduce((sum, cell) => sum + Number(cell), 0);
  };

  it('draws the charts of the queue and type its URL names, with their figures as text', async () => {
    const response = await page.goto(
      bed.url('charts?range=lastDay&queue=reports&type=reports.monthly'),
    );
    expect(response?.status()).toBe(200);
    await page.locator('main[aria-busy="false"]').waitFor();
    expect(await page.locator('select[name="range"]').inputValue()).toBe('lastDay');
    expect(await page.locator('select[name="queue"]').inputValue()).toBe('reports');
    expect(await page.locator('select[name="type"]').inputValue()).toBe('reports.monthly');

    // Both charts are drawn, each named by its figures for those who cannot see it.
    const charts = page.locator('.chart-canvas');
    expect(await charts.count()).toBe(2);
    expect(await charts.locator('canvas').count()).toBe(2);
    expect(await charts.nth(0).getAttribute('aria-label')).toBe(
      'Succeeded and failed jobs per hour over the last day: 1 succeeded, 1 failed',
    );
    expect(await charts.nth(1).getAttribute('aria-label')).toMatch(
      /^Queue latency per hour over the last day: \S+ (ms|s) on average, \S+ (ms|s) at the longest$/,
    );
    expect(await page.locator('#chart-succeeded').textContent()).toBe('1');
    expect(await page.locator('#chart-failed').textContent()).toBe('1');
    expect(await page.locator('#latency-longest').textContent()).not.toBe('–');
    expect(await figuresTotal(2)).toBe(1);
    expect(await figuresTotal(3)).toBe(1);
    await page.locator('details.figures summary').click();
    await page.locator('details.figures table').waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'charts-reports.png'), fullPage: true });

    // The choices are every queue and type stored; showing another opens its URL.
    const queues = await page.locator('select[name="queue"] option').allTextContents();
    expect(queues).toEqual(expect.arrayContaining(['All queues', 'default', 'media', 'reports']));
    await page.locator('select[name="queue"]').selectOption('default');
    await page.locator('select[name="type"]').selectOption('');
    await page.locator('select[name="range"]').selectOption('lastHour');
    await page.locator('form.filters button[type="submit"]').click();
    await page.waitForURL(bed.url('charts?queue=default'));
    await page.locator('#chart-succeeded').filter({ hasText: '4' }).waitFor();
    expect(await page.locator('#chart-failed').textContent()).toBe('0');
    expect(await page.locator('select[name="queue"]').inputValue()).toBe('default');
  });

  it("lists the job a server is running under it, linked to the job's page", async () => {
    const { processing } = bed.scene.jobs;
    await openPage(page, bed.url('servers'));
    const [server] = await bed.docket.listServers();
    const row = page.locator(`tr[data-server-jobs="${server.id}"] tr[data-job="${processing}"]`);
    await row.waitFor();
    const cells = await row.locator('td').allTextContents();
    expect(cells.slice(0, 3)).toEqual([processing, 'media.transcode', 'media']);
    expect(cells[3]).toMatch(/ago$/);
    expect(cells[4]).toContain('35%');
    expect(await row.locator('progress').getAttribute('value')).toBe('35');
    await page.screenshot({ path: join(SCREENSHOTS, 'servers-running.png'), fullPage: true });

    await row.locator('a').click();
    await page.waitForURL(bed.url(`job/${processing}`));
    await page.locator('#job-state').filter({ hasText: 'processing' }).waitFor();
  });
});
