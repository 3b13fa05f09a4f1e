/// <reference lib="dom" />
import { waitFor } from '../../helpers/wait-for';
import { Customer, InvoiceHandler, InvoiceJob } from '../job-search/search-fixture';
import { openPage, useUiPageBed } from './ui-test-bed';

/**
 * Tags and start limits in the web UI: the job list filters by a tag (kept in its URL), a
 * job's page lists its tags as links to that list, and shows by when it must start.
 */
describe('dashboard web UI: tags and start limits', () => {
  const bed = useUiPageBed('ui_tags', {
    handlers: [InvoiceHandler],
    dashboard: { basePath: '/ops' },
  });

  const rowIds = () =>
    bed.page
      .locator('tr.job-row')
      .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-id')));
  const invoice = (number: string) =>
    Object.assign(new InvoiceJob(), {
      number,
      customer: Object.assign(new Customer(), { id: 1, region: 'eu' }),
    });

  beforeAll(async () => {
    const later = { delayMs: 3_600_000 };
    await bed.docket.scheduler.schedule(invoice('1'), later, { id: 'vip-1', tags: ['vip', 'eu'] });
    await bed.docket.scheduler.schedule(invoice('2'), later, { id: 'vip-2', tags: ['vip'] });
    await bed.docket.scheduler.schedule(invoice('3'), later, {
      id: 'plain',
      startWithinMs: 90_000,
    });
  });

  it('filters the job list by a tag, kept in the URL', async () => {
    await openPage(bed.page, bed.url('jobs/all'));
    const form = bed.page.getByRole('search', { name: 'Filter jobs' });
    await form.getByLabel('Tag').fill('vip');
    await form.getByRole('button', { name: 'Apply filters' }).click();
    await bed.page.waitForURL(bed.url('jobs/all?tag=vip'));
    await waitFor(async () => (await rowIds()).length === 2, { what: 'the two vip jobs' });
    expect((await rowIds()).sort()).toEqual(['vip-1', 'vip-2']);
    await openPage(bed.page, bed.page.url());
    expect(await form.getByLabel('Tag').inputValue()).toBe('vip');
    expect(bed.errors).toEqual([]);
  }, 60_000);

  it("lists a job's tags as links to the jobs carrying them, and its start limit", async () => {
    await openPage(bed.page, bed.url('job/vip-1'));
    const facts = bed.page.locator('#job-facts');
    await facts.waitFor();
    await facts.getByRole('link', { name: 'eu' }).click();
    await bed.page.waitForURL(bed.url('jobs/all?tag=eu'));
    await waitFor(async () => (await rowIds()).length === 1, { what: 'the eu job' });
    expect(await rowIds()).toEqual(['vip-1']);

    await openPage(bed.page, bed.url('job/plain'));
    const within = bed.page.locator('#job-start-within');
    await within.waitFor();
    expect(await within.textContent()).toMatch(/^90\.0 s of due, by .+; later, it expires$/);
    expect(await bed.page.locator('#job-facts .job-tags').count()).toBe(0);
    expect(bed.errors).toEqual([]);
  }, 60_000);
});
