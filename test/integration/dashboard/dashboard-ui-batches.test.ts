import type { BrowserContext, Page } from 'playwright-core';
import { SendInvoiceJob } from '../../helpers/dashboard-scene';
import { waitFor } from '../../helpers/wait-for';
import { openPage, openTestPage, openUiTestBed, type UiTestBed } from './ui-test-bed';

/**
 * The batches pages in Chromium, on the scene of test/helpers/dashboard-scene.ts: a batch
 * that succeeded, and "Quarter-end invoicing", started, whose nested batch and three jobs
 * succeeded, one job failed for good and one is due in an hour, with a continuation waiting.
 */
describe('dashboard web UI: batches', () => {
  let bed: UiTestBed;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];

  const rowIds = () =>
    page
      .locator('tr.batch-row')
      .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-batch')));
  const jobRowIds = () =>
    page
      .locator('tr.job-row')
      .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-id')));
  /** Opens a page in place through a link or button, then waits until its data is shown. */
  const opened = async (url: string) => {
    await page.waitForURL(url);
    await page.locator('main[aria-busy="false"]').waitFor();
  };
  const batchJobs = async (batchId: string) =>
    (await bed.docket.scheduler.findJobs({ batchId }, { limit: 50 })).jobs;

  beforeAll(async () => {
    bed = await openUiTestBed('ui_batches', { refreshIntervalMs: 500 });
    ({ context, page, errors } = await openTestPage(bed.browser));
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    await bed?.close();
  });

  afterEach(() => {
    expect(errors?.splice(0)).toEqual([]);
  });

  it('lists batches with their state and progress, filtered by state and paged by cursor', async () => {
    const { running, nested, succeeded } = bed.scene.batches;
    await openPage(page, bed.url('batches'));
    expect(await page.locator('#nav a[aria-current="page"]').textContent()).toBe('Batches');
    await waitFor(async () => (await rowIds()).length === 3, { what: 'the three batches' });
    // Newest first: the nested batch was created with the running one, after the other.
    expect(await rowIds()).toEqual([nested, running, succeeded]);
    const row = page.locator(`tr[data-batch="${running}"]`);
    expect(await row.locator('td').nth(1).textContent()).toBe('Quarter-end invoicing');
    expect(await row.locator('.badge').textContent()).toBe('started');
    expect(await row.locator('.batch-counts').textContent()).toBe(
      '4 succeeded · 1 failed · 0 deleted · 1 pending',
    );
    const drawn = await row
      .locator('.batch-bar rect')
      .evaluateAll((rects) =>
        rects.map((rect) => [rect.getAttribute('class'), rect.getAttribute('width')]),
      );
    expect(drawn).toEqual([
      ['succeeded', '4'],
      ['failed', '1'],
      ['pending', '1'],
    ]);

    const form = page.getByRole('search', { name: 'Filter batches' });
    await form.getByLabel('State').selectOption('succeeded');
    await form.getByRole('button', { name: 'Show' }).click();
    await opened(bed.url('batches?state=succeeded'));
    await waitFor(async () => (await rowIds()).join() === [nested, succeeded].join(), {
      what: 'the succeeded batches only',
    });

    // 21 started batches: a page of 20, then the oldest on the next page.
    const more: string[] = [];
    for (let i = 0; i < 20; i++) {
      const invoice = Object.assign(new SendInvoiceJob(), { customer: `c${i}`, amountCents: 1 });
      more.push(
        await bed.docket.scheduler.createBatch({
          jobs: [{ job: invoice, options: { delayMs: 3_600_000 } }],
        }),
      );
    }
    await openPage(page, bed.url('batches?state=started'));
    await waitFor(async () => (await rowIds()).length === 20, { what: 'a full page' });
    expect(await rowIds()).toEqual([...more].reverse());
    await page.getByRole('button', { name: 'Next page →' }).click();
    await page.waitForURL(/batches\?state=started&cursor=[0-9a-f]+&page=2$/);
    await waitFor(async () => (await rowIds()).join() === running, { what: 'the second page' });
    expect(await page.locator('.pager').textContent()).toContain('Page 2');
    expect(await page.getByRole('button', { name: 'Next page →' }).isDisabled()).toBe(true);
    await page.getByRole('link', { name: '⇤ First page' }).click();
    await opened(bed.url('batches?state=started'));
    await waitFor(async () => (await rowIds()).length === 20, { what: 'the first page again' });
  });

  it("shows a batch: counts, nested batches, parent, its jobs; a job's page links its batch", async () => {
    const { running, nested, failedJob } = bed.scene.batches;
    await openPage(page, bed.url(`batches/${running}`));
    expect(await page.locator('#batch-state').textContent()).toBe('started');
    const facts = await page.locator('#batch-facts').textContent();
    expect(facts).toContain('Quarter-end invoicing');
    expect(facts).toContain('6 (jobs and nested batches)');
    expect(facts).not.toContain('Nested in');
    expect(await page.locator('main .panel .batch-counts').first().textContent()).toBe(
      '4 succeeded · 1 failed · 0 deleted · 1 pending',
    );
    expect(await page.locator('#batch-continuations').textContent()).toBe(
      '1 continuation waits for this batch to end (state awaiting).',
    );

    // Its nested batch, whose page links back to it.
    const nestedRow = page.locator(`tr[data-batch="${nested}"]`);
    await nestedRow.waitFor();
    expect(await nestedRow.locator('.badge').textContent()).toBe('succeeded');
    await nestedRow.getByRole('link', { name: nested }).click();
    await opened(bed.url(`batches/${nested}`));
    expect(await page.locator('#batch-state').textContent()).toBe('succeeded');
    await page.locator('#batch-facts').getByRole('link', { name: running }).click();
    await opened(bed.url(`batches/${running}`));

    // Its jobs: the job list filtered by the batch, which its URL and its form keep.
    await page.getByRole('link', { name: 'List the jobs of this batch' }).click();
    await opened(bed.url(`jobs/all?batch=${running}`));
    const ids = (await batchJobs(running)).map((job) => job._id);
    expect(ids).toHaveLength(5);
    await waitFor(async () => (await jobRowIds()).length === 5, { what: 'the batch jobs' });
    expect(new Set(await jobRowIds())).toEqual(new Set(ids));
    expect(await page.locator('.list-range').textContent()).toBe('Jobs 1–5 of 5');
    const form = page.getByRole('search', { name: 'Filter jobs' });
    expect(await form.getByLabel('Batch id').inputValue()).toBe(running);
    // Another batch from the form: its one job.
    await form.getByLabel('Batch id').fill(nested);
    await form.getByRole('button', { name: 'Apply filters' }).click();
    await opened(bed.url(`jobs/all?batch=${nested}`));
    const [nestedJob] = await batchJobs(nested);
    await waitFor(async () => (await jobRowIds()).join() === nestedJob._id, {
      what: 'the nested batch job',
    });

    // A job of the batch links to it; its continuation says what it waits for.
    await openPage(page, bed.url(`job/${failedJob}`));
    await page.locator('#job-batch').click();
    await opened(bed.url(`batches/${running}`));
    const continuation = await bed.docket.database
      .collection(`${bed.docket.collectionPrefix}jobs`)
      .findOne({ awaitsBatch: running });
    await openPage(page, bed.url(`job/${String(continuation!._id)}`));
    expect(await page.locator('#job-facts').textContent()).toContain(
      `Runs if batch succeeds${running}`,
    );
    expect(await page.locator('#job-awaits-batch').getAttribute('href')).toBe(
      `/batches/${running}`,
    );
  });

  it('cancels a batch once confirmed in a dialog; keeping it changes nothing', async () => {
    const { running } = bed.scene.batches;
    await openPage(page, bed.url(`batches/${running}`));
    const cancel = page.getByRole('button', { name: 'Cancel batch' });
    const dialog = page.getByRole('dialog');

    // From the keyboard: the dialog opens on its safe button; Escape closes it.
    await cancel.focus();
    await page.keyboard.press('Enter');
    expect(await dialog.getByRole('heading').textContent()).toBe(`Cancel batch ${running}?`);
    expect(await dialog.textContent()).toContain('1 item has not ended.');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Keep it');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await cancel.click();
    await dialog.getByRole('button', { name: 'Keep it' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect((await bed.docket.scheduler.getBatch(running))?.state).toBe('started');

    await cancel.click();
    await dialog.getByRole('button', { name: 'Cancel the batch' }).click();
    await page.locator('#flash').filter({ hasText: 'Batch cancelled.' }).waitFor();
    await page.locator('#batch-state').filter({ hasText: 'cancelled' }).waitFor();
    expect((await bed.docket.scheduler.getBatch(running))?.state).toBe('cancelled');
    const states = (await batchJobs(running)).map((job) => job.state).sort();
    expect(states).toEqual(['deleted', 'failed', 'succeeded', 'succeeded', 'succeeded']);
    expect(await page.locator('#batch-continuations').textContent()).toBe(
      '1 continuation: deleted with the batch.',
    );
    expect(await page.locator('main .panel .batch-counts').first().textContent()).toBe(
      '4 succeeded · 1 failed · 0 deleted · 1 cancelled',
    );
    expect(await cancel.count()).toBe(0);
  });
});
