// The page.evaluate callbacks run in the page: they need the DOM's types.
/// <reference lib="dom" />
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startDashboard, type RunningDashboard } from '../../../src/dashboard';
import type { ApiJobDetail } from '../../../src/dashboard/api-types';
import type { Docket } from '../../../src';
import { launchChromium } from '../../helpers/chromium';
import { FAST_SERVER } from '../../helpers/docket';
import type { TestDatabase } from '../../helpers/mongo';
import { waitFor } from '../../helpers/wait-for';
import { behaviour, openDashboardDocket, report } from './dashboard-fixture';
import { openPage } from './ui-test-bed';

const WIDTH = 390;
const IMG = '<img src=x onerror=alert(1)>';
const SCRIPT = '<script>alert(2)</script>';
/** Markup, and what a URL must encode (names may not hold a slash). */
const ARTEFACT = '<b onmouseover=alert(3)>x #1?.txt';
const LATE = 'logged after the page opened';
/** One word longer than the screen is wide: it must wrap, not widen the page. */
const LONG = `token=${'x'.repeat(400)}`;

/**
 * The job page shows what a job produced: its result, its log (paged, followed live) and its
 * artefacts, all as text, on a phone's width.
 */
describe('dashboard web UI: a job’s result, log and artefacts', () => {
  let browser: Browser;
  let db: TestDatabase;
  let docket: Docket;
  let dashboard: RunningDashboard;
  let context: BrowserContext;
  let page: Page;
  let release: () => void = () => undefined;
  const errors: string[] = [];
  const dialogs: string[] = [];

  beforeAll(async () => {
    ({ browser } = await launchChromium());
    ({ db, docket } = await openDashboardDocket('ui_job_output'));
    const released = new Promise<void>((resolve) => (release = resolve));
    behaviour.run = async (_job, ctx) => {
      ctx.logger.info(IMG, { tag: SCRIPT });
      ctx.logger.warn(SCRIPT);
      ctx.logger.info(LONG);
      await ctx.artefacts.put(ARTEFACT, 'the report\n', { contentType: 'text/html' });
      await released;
      ctx.logger.error(LATE);
      return { rows: 4, note: '<i>not markup</i>' } as never;
    };
    // The handler waits for the browser, seconds on a loaded machine: a lease of 1 s whose
    // renewal came late would end the attempt, and the page would show a retry's log.
    await docket.startServer({ ...FAST_SERVER, leaseMs: 10_000 });
    dashboard = await startDashboard(docket, { refreshIntervalMs: 500 });
    context = await browser.newContext({ viewport: { width: WIDTH, height: 844 } });
    context.setDefaultTimeout(10_000);
    page = await context.newPage();
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
  }, 60_000);

  afterAll(async () => {
    release();
    await context?.close();
    await browser?.close();
    await dashboard?.close();
    await docket?.close();
    await db?.cleanup();
  });

  it('shows the log and artefacts as text, follows new lines, then shows the result', async () => {
    const id = await docket.scheduler.enqueue(report(3, 'x'));
    const detail = async () =>
      (await (await fetch(`${dashboard.url}api/jobs/${id}`)).json()) as ApiJobDetail;
    await waitFor(
      async () => {
        const job = await detail();
        return job.logLines === 3 && job.artefacts.length === 1;
      },
      { what: 'the first lines and the artefact to be stored' },
    );

    await openPage(page, `${dashboard.url}job/${id}`);
    const log = page.locator('#job-log');
    await log.locator('.log-line').nth(2).waitFor();
    expect(await log.locator('.log-message').allTextContents()).toEqual([IMG, SCRIPT, LONG]);
    expect(await log.locator('.log-meta').allTextContents()).toEqual([
      JSON.stringify({ tag: SCRIPT }),
    ]);
    expect(await log.locator('.log-attempt').allTextContents()).toEqual(['Attempt 1']);
    expect(await log.locator('.badge').allTextContents()).toEqual(['info', 'warn', 'info']);
    expect(await page.locator('#main img, #main script, #main b, #main i').count()).toBe(0);

    const link = page.locator('#job-artefacts a');
    expect(await link.textContent()).toBe(ARTEFACT);
    expect(await link.getAttribute('href')).toBe(
      `/api/jobs/${encodeURIComponent(id)}/artefacts/${encodeURIComponent(ARTEFACT)}`,
    );
    expect(await link.getAttribute('download')).toBe('');
    expect(await page.locator('#job-result').count()).toBe(0);

    const follow = log.getByRole('button', { name: 'Follow' });
    await follow.click();
    expect(await follow.getAttribute('aria-pressed')).toBe('true');
    release();
    await log.locator('.log-message', { hasText: LATE }).waitFor();
    await page.locator('#job-result', { hasText: '"rows": 4' }).waitFor();
    expect(JSON.parse((await page.locator('#job-result').textContent())!)).toEqual({
      rows: 4,
      note: '<i>not markup</i>',
    });
    // The job finished and nothing more came: following stops, and the toggle goes.
    await follow.waitFor({ state: 'detached' });
    expect(await log.locator('.log-message').allTextContents()).toEqual([IMG, SCRIPT, LONG, LATE]);

    expect(await page.locator('#main img, #main script, #main b, #main i').count()).toBe(0);
    const widths = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      viewport: window.innerWidth,
    }));
    expect(widths).toEqual({ scrollWidth: WIDTH, viewport: WIDTH });
    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
  });
});
