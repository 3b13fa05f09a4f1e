/// <reference lib="dom" />
import { IsInt, Min } from 'class-validator';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { Job, type Docket, type IJob } from '../../../src';
import { startDashboard, type RunningDashboard } from '../../../src/dashboard';
import { launchChromium } from '../../helpers/chromium';
import { createTestDocket } from '../../helpers/docket';
import { openTestDatabase, type TestDatabase } from '../../helpers/mongo';
import { openPage, openTestPage } from './ui-test-bed';

@Job('ui-shape.sweep')
class SweepJob implements IJob {
  @IsInt() @Min(0) days = 7;
}

/**
 * The recurring jobs page and form in a browser, for a schedule with a shape: the form
 * creates an interval job with a window, a repeat limit and an overlap policy, the page shows
 * them, and the overlap skips show as a count with the latest one. No server runs the jobs.
 */
describe('dashboard web UI: recurring schedule shape', () => {
  let db: TestDatabase;
  let docket: Docket;
  let dashboard: RunningDashboard;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    ({ browser } = await launchChromium());
    db = await openTestDatabase('ui_recurring_shape');
    ({ docket } = await createTestDocket(db, { handlers: [] }));
    expect(SweepJob.name).toBe('SweepJob'); // the class is loaded: the dashboard offers it
    dashboard = await startDashboard(docket);
    ({ context, page, errors } = await openTestPage(browser));
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await dashboard?.close();
    await docket?.close();
    await db?.cleanup();
  });

  it('creates an interval job with window, limit and overlap; the page shows its shape and skips', async () => {
    await openPage(page, `${dashboard.url}recurring/new`);
    const form = page.getByRole('form', { name: 'New recurring job' });
    await form.waitFor();
    await form.getByLabel('Id', { exact: true }).fill('sweep.rolling');
    await form.getByLabel('Job type').selectOption('ui-shape.sweep');
    await form.getByLabel('Interval (seconds)').fill('90');
    await form.getByLabel('Start at').fill('2040-01-01T00:00:00Z');
    await form.getByLabel('End at').fill('2040-02-01T00:00:00Z');
    await form.getByLabel('Repeat limit').fill('10');
    await form.getByLabel('Overlap').selectOption('skip');
    await form.getByLabel('days').fill('14');
    await form.getByRole('button', { name: 'Create' }).click();
    await page.waitForURL(/\/recurring$/);
    const [created] = await docket.scheduler.listRecurring();
    expect(created).toMatchObject({
      id: 'sweep.rolling',
      cron: null,
      everyMs: 90_000,
      startAt: new Date('2040-01-01T00:00:00Z'),
      endAt: new Date('2040-02-01T00:00:00Z'),
      repeatLimit: 10,
      overlap: 'skip',
    });

    // Skips as a server records them (no server runs here): the page shows the count.
    await db.client
      .db(db.dbName)
      .collection<{ _id: string }>('docket.recurring')
      .updateOne(
        { _id: 'sweep.rolling' },
        { $set: { skippedCount: 3, lastSkippedAt: new Date(Date.now() - 60_000) } },
      );
    await page.reload();
    const row = page.locator('tr[data-recurring="sweep.rolling"]');
    await row.waitFor();
    const text = (await row.textContent()) ?? '';
    expect(text).toContain('every 90 s');
    expect(text).toContain('from 2040-01-01T00:00:00.000Z');
    expect(text).toContain('until 2040-02-01T00:00:00.000Z');
    expect(text).toContain('10 of 10 runs left');
    expect(text).toContain('overlap skip, missed runOnce');
    expect(text).toMatch(/3 skipped, last/);

    // Editing keeps the shape the form shows.
    await page.getByRole('link', { name: 'Edit sweep.rolling' }).click();
    const edit = page.getByRole('form', { name: 'Edit recurring job sweep.rolling' });
    await edit.waitFor();
    expect(await edit.getByLabel('Interval (seconds)').inputValue()).toBe('90');
    expect(await edit.getByLabel('Overlap').inputValue()).toBe('skip');
    await edit.getByLabel('days').fill('30');
    await edit.getByRole('button', { name: 'Save' }).click();
    await page.waitForURL(/\/recurring$/);
    const [edited] = await docket.scheduler.listRecurring();
    expect(edited).toMatchObject({
      everyMs: 90_000,
      repeatLimit: 10,
      overlap: 'skip',
      startAt: new Date('2040-01-01T00:00:00Z'),
      payload: { days: 30 },
    });
    expect(errors).toEqual([]);
  }, 60_000);
});
