/// <reference lib="dom" />
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startDashboard, type RunningDashboard } from '../../../src/dashboard';
import type { Docket } from '../../../src';
import { launchChromium } from '../../helpers/chromium';
import { createTestDocket } from '../../helpers/docket';
import { openTestDatabase, type TestDatabase } from '../../helpers/mongo';
import { waitFor } from '../../helpers/wait-for';
import { InvoiceHandler, jobsOf, seedJobs } from '../job-search/search-fixture';
import { openPage, openTestPage } from './ui-test-bed';

/**
 * The dead-letter queue in a browser: the "Dead letters" page (failed jobs filtered to the
 * dead-lettered ones) and its redrive action. No server runs the jobs.
 */
describe('dashboard web UI: dead letters', () => {
  let db: TestDatabase;
  let docket: Docket;
  let dashboard: RunningDashboard;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  let dead: string[];
  let plain: string;

  const shows = (selector: string, text: string) =>
    waitFor(async () => (await page.locator(selector).textContent()) === text, {
      what: `${selector} to show "${text}"`,
    });

  beforeAll(async () => {
    ({ browser } = await launchChromium());
    db = await openTestDatabase('ui_dead_letters');
    ({ docket } = await createTestDocket(db, { handlers: [InvoiceHandler] }));
    dashboard = await startDashboard(docket, { basePath: '/ops' });
    const now = Date.now();
    const ids = await seedJobs(
      docket,
      [0, 1, 2].map((i) => ({
        state: 'failed' as const,
        createdAt: new Date(now - 60_000 + i),
        finishedAt: new Date(now - 30_000 + i),
      })),
    );
    dead = ids.slice(0, 2);
    plain = ids[2];
    await jobsOf(docket).updateMany(
      { _id: { $in: dead } },
      { $set: { deadLetteredAt: new Date(), expireAt: null } },
    );
    ({ context, page, errors } = await openTestPage(browser));
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await dashboard?.close();
    await docket?.close();
    await db?.cleanup();
  });

  it('lists the dead letters from the menu and redrives them all, after a confirmation', async () => {
    await openPage(page, dashboard.url);
    await page.getByRole('link', { name: 'Dead letters' }).click();
    await page.waitForURL(`${dashboard.url}jobs/failed?deadLettered=true`);
    await shows('.list-range', 'Failed 1–2 of 2');
    expect(await page.getByRole('button', { name: 'Retry all' }).count()).toBe(0);

    // A dead letter's page says since when it is one.
    await openPage(page, `${dashboard.url}job/${dead[0]}`);
    expect(await page.getByText('Dead-lettered').count()).toBe(1);
    await page.goBack();
    await shows('.list-range', 'Failed 1–2 of 2');

    await page.getByRole('button', { name: 'Redrive all' }).click();
    const dialog = page.getByRole('dialog');
    expect(await dialog.getByRole('heading').textContent()).toBe('Redrive 2 jobs?');
    await dialog.getByRole('button', { name: 'Redrive 2 jobs' }).click();
    await shows('.flash', 'Redrive: 2 of 2 changed.');
    const states = await jobsOf(docket)
      .find({}, { projection: { state: 1, deadLetteredAt: 1 } })
      .toArray();
    expect(states.filter((job) => dead.includes(job._id))).toEqual(
      dead.map((id) => ({ _id: id, state: 'enqueued' })),
    );
    expect(states.find((job) => job._id === plain)?.state).toBe('failed');
    expect(errors).toEqual([]);
  }, 60_000);
});
