/// <reference lib="dom" />
import { waitFor } from '../../helpers/wait-for';
import { InvoiceHandler, jobsOf, seedJobs, type SeededJob } from '../job-search/search-fixture';
import { openPage, useUiPageBed } from './ui-test-bed';

const WAREHOUSE = 25;

/**
 * The job list in a browser: filters (state, type prefix, error text, payload field) kept in
 * the URL with the page, totals, and actions on many jobs: a selection, and every job the
 * filters match, confirmed with the count and done by the server. No server runs the jobs,
 * so their states change only by what the test does.
 */
describe('dashboard web UI: finding jobs and acting on many', () => {
  const bed = useUiPageBed('ui_search', {
    handlers: [InvoiceHandler],
    dashboard: { basePath: '/ops' },
  });
  const ids = { warehouse: [] as string[], declined: [] as string[], succeeded: [] as string[] };

  const rowIds = () =>
    bed.page
      .locator('tr.job-row')
      .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-id')));
  /** Waits until the element shows exactly `text` (the page polls, or an action ends). */
  const shows = (selector: string, text: string) =>
    waitFor(async () => (await bed.page.locator(selector).textContent()) === text, {
      what: `${selector} to show "${text}"`,
    });
  const statesOf = async (list: readonly string[]) =>
    (
      await jobsOf(bed.docket)
        .find({ _id: { $in: [...list] } })
        .toArray()
    ).map((job) => job.state);

  beforeAll(async () => {
    const now = Date.now();
    const recent = (i: number) => new Date(now - 3_600_000 + i * 1_000);
    const jobs: SeededJob[] = [
      ...Array.from({ length: WAREHOUSE }, (_, i) => ({
        state: 'failed' as const,
        queue: 'billing',
        createdAt: recent(i),
        finishedAt: recent(i + 100),
        error: { name: 'WarehouseError', message: `Warehouse unavailable (try ${i})` },
        payload: { number: `W-${i}`, customer: { id: i, region: i < 5 ? 'us' : 'eu' } },
      })),
      ...Array.from({ length: 3 }, (_, i) => ({
        state: 'failed' as const,
        queue: 'billing',
        createdAt: recent(200 + i),
        finishedAt: recent(300 + i),
        error: { name: 'Error', message: 'card declined' },
      })),
      ...Array.from({ length: 2 }, (_, i) => ({
        state: 'succeeded' as const,
        createdAt: recent(400 + i),
        finishedAt: recent(500 + i),
      })),
    ];
    const stored = await seedJobs(bed.docket, jobs);
    ids.warehouse = stored.slice(0, WAREHOUSE);
    ids.declined = stored.slice(WAREHOUSE, WAREHOUSE + 3);
    ids.succeeded = stored.slice(WAREHOUSE + 3);
  });

  it('searches by state and error text, pages with the filters in the URL, and counts', async () => {
    await openPage(bed.page, bed.url('jobs/all'));
    expect(await bed.page.locator('.list-range').textContent()).toBe('Jobs 1–20 of 30');

    const form = bed.page.getByRole('search', { name: 'Filter jobs' });
    await form.getByLabel('State').selectOption('failed');
    await form.getByLabel('Error contains').fill('warehouse');
    await form.getByRole('button', { name: 'Apply filters' }).click();
    await bed.page.waitForURL(bed.url('jobs/failed?errorContains=warehouse'));
    await bed.page.locator('main[aria-busy="false"]').waitFor();
    await shows('.list-range', 'Failed 1–20 of 25');
    const firstPage = await rowIds();
    expect(firstPage).toHaveLength(20);
    expect(firstPage.every((id) => ids.warehouse.includes(id!))).toBe(true);

    await bed.page.getByRole('button', { name: 'Next page →' }).click();
    await bed.page.waitForURL(/page=2/);
    await shows('.list-range', 'Failed 21–25 of 25');
    const secondPage = await rowIds();
    expect(new Set([...firstPage, ...secondPage])).toEqual(new Set(ids.warehouse));

    // The URL alone restores the page: its filters are in the form again, its jobs listed.
    await openPage(bed.page, bed.page.url());
    expect(await form.getByLabel('Error contains').inputValue()).toBe('warehouse');
    expect(await form.getByLabel('State').inputValue()).toBe('failed');
    expect(await rowIds()).toEqual(secondPage);
    await bed.page.getByRole('link', { name: '⇤ First page' }).click();
    await shows('.list-range', 'Failed 1–20 of 25');
    expect(bed.errors).toEqual([]);
  }, 60_000);

  it('filters by type prefix and a payload field from "More filters"', async () => {
    await openPage(bed.page, bed.url('jobs/all'));
    const form = bed.page.getByRole('search', { name: 'Filter jobs' });
    await form.getByLabel('Type starts with').fill('search-it.invoice.');
    await form.getByText('More filters').click();
    await form.getByLabel('Field path').fill('customer.region');
    await form.getByLabel('Value').fill('us');
    await form.getByRole('button', { name: 'Apply filters' }).click();
    await bed.page.waitForURL(/payload\.customer\.region=us/);
    await shows('.list-range', 'Jobs 1–5 of 5');
    expect(new Set(await rowIds())).toEqual(new Set(ids.warehouse.slice(0, 5)));
    // Reopened from its URL, the section stays open with the field filled in.
    await openPage(bed.page, bed.page.url());
    expect(await form.getByLabel('Field path').inputValue()).toBe('customer.region');
    expect(bed.errors).toEqual([]);
  }, 60_000);

  it('retries every job the filters match, after a confirmation that gives the count', async () => {
    await openPage(bed.page, bed.url('jobs/failed?errorContains=warehouse'));
    await bed.page.getByRole('button', { name: 'Retry all' }).click();
    const dialog = bed.page.getByRole('dialog');
    expect(await dialog.getByRole('heading').textContent()).toBe('Retry 25 jobs?');
    // Cancelling changes nothing.
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(new Set(await statesOf(ids.warehouse))).toEqual(new Set(['failed']));

    await bed.page.getByRole('button', { name: 'Retry all' }).click();
    await dialog.getByRole('button', { name: 'Retry 25 jobs' }).click();
    await shows('.flash', 'Retry: 25 of 25 changed.');
    expect(new Set(await statesOf(ids.warehouse))).toEqual(new Set(['enqueued']));
    expect(new Set(await statesOf(ids.declined))).toEqual(new Set(['failed']));
    expect(new Set(await statesOf(ids.succeeded))).toEqual(new Set(['succeeded']));
    await shows('.empty', 'No failed jobs.');
    expect(bed.errors).toEqual([]);
  }, 60_000);

  it('deletes the jobs selected in the list, and only those', async () => {
    await openPage(bed.page, bed.url('jobs/failed?errorContains=declined'));
    const deleteSelected = bed.page.getByRole('button', { name: /^Delete selected/ });
    expect(await deleteSelected.isDisabled()).toBe(true);
    const [first, second, third] = ids.declined;
    await bed.page.getByLabel(`Select job ${first}`).check();
    await bed.page.getByLabel(`Select job ${third}`).check();
    expect(await deleteSelected.textContent()).toBe('Delete selected (2)');
    await deleteSelected.click();
    await bed.page
      .getByRole('dialog')
      .getByRole('button', { name: 'Delete 2 selected jobs' })
      .click();
    await shows('.flash', 'Delete: 2 of 2 changed.');
    expect(await statesOf([first, third])).toEqual(['deleted', 'deleted']);
    expect(await statesOf([second])).toEqual(['failed']);
    await waitFor(async () => (await rowIds()).join() === second, {
      what: 'the list without them',
    });
    expect(bed.errors).toEqual([]);
  }, 60_000);

  it('purges every succeeded job for good, after a confirmation that gives the count', async () => {
    await openPage(bed.page, bed.url('jobs/succeeded'));
    expect(await bed.page.getByRole('button', { name: 'Purge all' }).getAttribute('class')).toMatch(
      /\bdanger\b/,
    );
    await bed.page.getByRole('button', { name: 'Purge all' }).click();
    const dialog = bed.page.getByRole('dialog');
    expect(await dialog.getByRole('heading').textContent()).toBe('Purge 2 jobs?');
    await dialog.getByRole('button', { name: 'Purge 2 jobs' }).click();
    await shows('.flash', 'Purge: 2 of 2 changed.');
    expect(await statesOf(ids.succeeded)).toEqual([]);
    await shows('.empty', 'No succeeded jobs.');
    expect(bed.errors).toEqual([]);
  }, 60_000);
});
