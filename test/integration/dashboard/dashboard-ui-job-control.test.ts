// The page.evaluate callbacks run in the page: they need the DOM's types.
/// <reference lib="dom" />
import type { Browser, Page } from 'playwright-core';
import { startDashboard, type RunningDashboard } from '../../../src/dashboard';
import type { Docket } from '../../../src';
import { launchChromium } from '../../helpers/chromium';
import { FAST_SERVER } from '../../helpers/docket';
import type { TestDatabase } from '../../helpers/mongo';
import { behaviour, openDashboardDocket, report } from './dashboard-fixture';
import { openPage } from './ui-test-bed';

const SCRIPT = '<script>alert(1)</script>';

/** The job page shows the checkpoint a handler saved and the snoozes it made, as text. */
describe('dashboard web UI: a job’s checkpoint and snoozes', () => {
  let browser: Browser;
  let db: TestDatabase;
  let docket: Docket;
  let dashboard: RunningDashboard;
  let page: Page;

  beforeAll(async () => {
    ({ browser } = await launchChromium());
    ({ db, docket } = await openDashboardDocket('ui_job_control'));
    behaviour.run = async (_job, ctx) => {
      if (ctx.checkpoint !== undefined) return;
      await ctx.saveCheckpoint({ page: 4, note: SCRIPT });
      await ctx.snooze({ delayMs: 0, reason: `partner busy ${SCRIPT}` });
    };
    await docket.startServer(FAST_SERVER);
    dashboard = await startDashboard(docket, { refreshIntervalMs: 500 });
    page = await browser.newPage();
    page.setDefaultTimeout(10_000);
  }, 60_000);

  afterAll(async () => {
    await page?.close();
    await browser?.close();
    await dashboard?.close();
    await docket?.close();
    await db?.cleanup();
  });

  it('lists the checkpoint and the snoozes on the job page', async () => {
    const id = await docket.scheduler.enqueue(report(4, 'x'));
    await docket.scheduler.waitForJob(id, { timeoutMs: 20_000 });
    await openPage(page, `${dashboard.url}job/${id}`);
    const data = page.locator('#job-checkpoint-data');
    await data.waitFor();
    expect(JSON.parse((await data.textContent())!)).toEqual({ page: 4, note: SCRIPT });
    expect(await page.locator('#job-checkpoint').textContent()).toContain('Saved by attempt 1');
    const snoozes = page.locator('#job-snoozes');
    expect(await snoozes.textContent()).toContain('Snoozed 1 time.');
    expect(await snoozes.locator('td.reason').allTextContents()).toEqual([
      `partner busy ${SCRIPT}`,
    ]);
    expect(await page.locator('#main script').count()).toBe(0);
  });

  it('runs a scheduled job now from its page', async () => {
    const id = await docket.scheduler.schedule(report(5, 'later'), { delayMs: 3_600_000 });
    await openPage(page, `${dashboard.url}job/${id}`);
    await page.getByRole('button', { name: `Run now: job ${id}` }).click();
    // Due now, the server runs it at once.
    await docket.scheduler.waitForJob(id, { timeoutMs: 20_000 });
    expect((await docket.getJob(id))?.history.map((entry) => entry.reason)).toContain(
      'enqueued now (was scheduled)',
    );
  });
});
