/// <reference lib="dom" />
import { IsInt, Min } from 'class-validator';
import { Job, type IJob } from '../../../src';
import { openPage, useUiPageBed } from './ui-test-bed';

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
  const bed = useUiPageBed('ui_recurring_shape', { handlers: [] });

  beforeAll(() => {
    expect(SweepJob.name).toBe('SweepJob'); // the class is loaded: the dashboard offers it
  });

  it('creates an interval job with window, limit and overlap; the page shows its shape and skips', async () => {
    await openPage(bed.page, bed.url('recurring/new'));
    const form = bed.page.getByRole('form', { name: 'New recurring job' });
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
    await bed.page.waitForURL(/\/recurring$/);
    const [created] = await bed.docket.scheduler.listRecurring();
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
    await bed.db.client
      .db(bed.db.dbName)
      .collection<{ _id: string }>('docket.recurring')
      .updateOne(
        { _id: 'sweep.rolling' },
        { $set: { skippedCount: 3, lastSkippedAt: new Date(Date.now() - 60_000) } },
      );
    await bed.page.reload();
    const row = bed.page.locator('tr[data-recurring="sweep.rolling"]');
    await row.waitFor();
    const text = (await row.textContent()) ?? '';
    expect(text).toContain('every 90 s');
    expect(text).toContain('from 2040-01-01T00:00:00.000Z');
    expect(text).toContain('until 2040-02-01T00:00:00.000Z');
    expect(text).toContain('10 of 10 runs left');
    expect(text).toContain('overlap skip, missed runOnce');
    expect(text).toMatch(/3 skipped, last/);

    // Editing keeps the shape the form shows.
    await bed.page.getByRole('link', { name: 'Edit sweep.rolling' }).click();
    const edit = bed.page.getByRole('form', { name: 'Edit recurring job sweep.rolling' });
    await edit.waitFor();
    expect(await edit.getByLabel('Interval (seconds)').inputValue()).toBe('90');
    expect(await edit.getByLabel('Overlap').inputValue()).toBe('skip');
    await edit.getByLabel('days').fill('30');
    await edit.getByRole('button', { name: 'Save' }).click();
    await bed.page.waitForURL(/\/recurring$/);
    const [edited] = await bed.docket.scheduler.listRecurring();
    expect(edited).toMatchObject({
      everyMs: 90_000,
      repeatLimit: 10,
      overlap: 'skip',
      startAt: new Date('2040-01-01T00:00:00Z'),
      payload: { days: 30 },
    });
    expect(bed.errors).toEqual([]);
  }, 60_000);
});
