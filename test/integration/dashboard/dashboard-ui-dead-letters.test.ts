/// <reference lib="dom" />
import { waitFor } from '../../helpers/wait-for';
import { InvoiceHandler, jobsOf, seedJobs } from '../job-search/search-fixture';
import { openPage, useUiPageBed } from './ui-test-bed';

/**
 * The dead-letter queue in a browser: the "Dead letters" page (failed jobs filtered to the
 * dead-lettered ones) and its redrive action. No server runs the jobs.
 */
describe('dashboard web UI: dead letters', () => {
  const bed = useUiPageBed('ui_dead_letters', {
    handlers: [InvoiceHandler],
    dashboard: { basePath: '/ops' },
  });
  let dead: string[];
  let plain: string;

  const shows = (selector: string, text: string) =>
    waitFor(async () => (await bed.page.locator(selector).textContent()) === text, {
      what: `${selector} to show "${text}"`,
    });

  beforeAll(async () => {
    const now = Date.now();
    const ids = await seedJobs(
      bed.docket,
      [0, 1, 2].map((i) => ({
        state: 'failed' as const,
        createdAt: new Date(now - 60_000 + i),
        finishedAt: new Date(now - 30_000 + i),
      })),
    );
    dead = ids.slice(0, 2);
    plain = ids[2];
    await jobsOf(bed.docket).updateMany(
      { _id: { $in: dead } },
      { $set: { deadLetteredAt: new Date(), expireAt: null } },
    );
  });

  it('lists the dead letters from the menu and redrives them all, after a confirmation', async () => {
    await openPage(bed.page, bed.dashboard.url);
    await bed.page.getByRole('link', { name: 'Dead letters' }).click();
    await bed.page.waitForURL(bed.url('jobs/failed?deadLettered=true'));
    await shows('.list-range', 'Failed 1–2 of 2');
    expect(await bed.page.getByRole('button', { name: 'Retry all' }).count()).toBe(0);

    // A dead letter's page says since when it is one.
    await openPage(bed.page, bed.url(`job/${dead[0]}`));
    expect(await bed.page.getByText('Dead-lettered').count()).toBe(1);
    await bed.page.goBack();
    await shows('.list-range', 'Failed 1–2 of 2');

    await bed.page.getByRole('button', { name: 'Redrive all' }).click();
    const dialog = bed.page.getByRole('dialog');
    expect(await dialog.getByRole('heading').textContent()).toBe('Redrive 2 jobs?');
    await dialog.getByRole('button', { name: 'Redrive 2 jobs' }).click();
    await shows('.flash', 'Redrive: 2 of 2 changed.');
    const states = await jobsOf(bed.docket)
      .find({}, { projection: { state: 1, deadLetteredAt: 1 } })
      .toArray();
    expect(states.filter((job) => dead.includes(job._id))).toEqual(
      dead.map((id) => ({ _id: id, state: 'enqueued' })),
    );
    expect(states.find((job) => job._id === plain)?.state).toBe('failed');
    expect(bed.errors).toEqual([]);
  }, 60_000);
});
