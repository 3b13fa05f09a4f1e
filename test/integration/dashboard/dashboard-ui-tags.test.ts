/// <reference lib="dom" />
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startDashboard, type RunningDashboard } from '../../../src/dashboard';
import type { Docket } from '../../../src';
import { launchChromium } from '../../helpers/chromium';
import { createTestDocket } from '../../helpers/docket';
import { openTestDatabase, type TestDatabase } from '../../helpers/mongo';
import { waitFor } from '../../helpers/wait-for';
import { Customer, InvoiceHandler, InvoiceJob } from '../job-search/search-fixture';
import { openPage, openTestPage } from './ui-test-bed';

/**
 * Tags and start limits in the web UI: the job list filters by a tag (kept in its URL), a
 * job's page lists its tags as links to that list, and shows by when it must start.
 */
describe('dashboard web UI: tags and start limits', () => {
  let db: TestDatabase;
  let docket: Docket;
  let dashboard: RunningDashboard;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];

  const rowIds = () =>
    page
      .locator('tr.job-row')
      .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-id')));
  const invoice = (number: string) =>
    Object.assign(new InvoiceJob(), {
      number,
      customer: Object.assign(new Customer(), { id: 1, region: 'eu' }),
    });

  beforeAll(async () => {
    ({ browser } = await launchChromium());
    db = await openTestDatabase('ui_tags');
    ({ docket } = await createTestDocket(db, { handlers: [InvoiceHandler] }));
    dashboard = await startDashboard(docket, { basePath: '/ops' });
    const later = { delayMs: 3_600_000 };
    await docket.scheduler.schedule(invoice('1'), later, { id: 'vip-1', tags: ['vip', 'eu'] });
    await docket.scheduler.schedule(invoice('2'), later, { id: 'vip-2', tags: ['vip'] });
    await docket.scheduler.schedule(invoice('3'), later, { id: 'plain', startWithinMs: 90_000 });
    ({ context, page, errors } = await openTestPage(browser));
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await dashboard?.close();
    await docket?.close();
    await db?.cleanup();
  });

  it('filters the job list by a tag, kept in the URL', async () => {
    await openPage(page, `${dashboard.url}jobs/all`);
    const form = page.getByRole('search', { name: 'Filter jobs' });
    await form.getByLabel('Tag').fill('vip');
    await form.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(`${dashboard.url}jobs/all?tag=vip`);
    await waitFor(async () => (await rowIds()).length === 2, { what: 'the two vip jobs' });
    expect((await rowIds()).sort()).toEqual(['vip-1', 'vip-2']);
    await openPage(page, page.url());
    expect(await form.getByLabel('Tag').inputValue()).toBe('vip');
    expect(errors).toEqual([]);
  }, 60_000);

  it("lists a job's tags as links to the jobs carrying them, and its start limit", async () => {
    await openPage(page, `${dashboard.url}job/vip-1`);
    const facts = page.locator('#job-facts');
    await facts.waitFor();
    await facts.getByRole('link', { name: 'eu' }).click();
    await page.waitForURL(`${dashboard.url}jobs/all?tag=eu`);
    await waitFor(async () => (await rowIds()).length === 1, { what: 'the eu job' });
    expect(await rowIds()).toEqual(['vip-1']);

    await openPage(page, `${dashboard.url}job/plain`);
    const within = page.locator('#job-start-within');
    await within.waitFor();
    expect(await within.textContent()).toMatch(/^90\.0 s of due, by .+; later, it expires$/);
    expect(await page.locator('#job-facts .job-tags').count()).toBe(0);
    expect(errors).toEqual([]);
  }, 60_000);
});
