/// <reference lib="dom" />
import { IsEmail, IsIn, IsInt, IsString, Max, MaxLength, Min } from 'class-validator';
import { Job, type IJob } from '../../../src';
import { waitFor } from '../../helpers/wait-for';
import { jobsOf } from '../job-search/search-fixture';
import { openPage, useUiPageBed } from './ui-test-bed';

/**
 * A job type with rules the schema states (lengths, bounds, a choice) and one it cannot
 * check in the browser (an e-mail format): that one only the server refuses.
 */
@Job('ui-forms.refund')
class RefundJob implements IJob {
  @IsString() @MaxLength(12) orderId!: string;
  @IsInt() @Min(1) @Max(100_000) amountCents!: number;
  @IsIn(['card', 'bank']) method!: string;
  @IsEmail() notify!: string;
}

/**
 * The enqueue form and the recurring job form in a browser: fields from the type's schema,
 * errors found in the browser and errors the server returns shown on their fields, nothing
 * stored until the form is right. No server runs the jobs.
 */
describe('dashboard web UI: enqueue and recurring job forms', () => {
  const bed = useUiPageBed('ui_forms', { handlers: [] });
  /** The page's errors but the console lines of the refusals the tests provoke. */
  const unexpectedErrors = () =>
    bed.errors.filter((error) => !/responded with a status of (400|422)/.test(error));

  const fieldError = (name: string) => bed.page.locator(`[data-field="${name}"] .field-error`);
  const storedJobs = () => jobsOf(bed.docket).countDocuments({ type: 'ui-forms.refund' });

  beforeAll(() => {
    expect(RefundJob.name).toBe('RefundJob'); // the class is loaded: the dashboard offers it
  });

  it('shows the validation errors of the enqueue form on their fields, then enqueues', async () => {
    await openPage(bed.page, bed.url('jobs/enqueued'));
    await bed.page.getByRole('link', { name: 'Enqueue a job' }).click();
    await bed.page.getByLabel('Job type').selectOption('ui-forms.refund');
    await bed.page.waitForURL(/enqueue\?type=ui-forms\.refund$/);
    const form = bed.page.getByRole('form', { name: 'Enqueue a job' });
    await form.getByLabel('orderId').fill('ORDER-1234567890');
    await form.getByLabel('amountCents').fill('0');
    await form.getByRole('button', { name: 'Enqueue' }).click();

    // Found in the browser from the schema: nothing is sent.
    expect(await fieldError('payload.orderId').textContent()).toBe(
      'At most 12 characters (16 given).',
    );
    expect(await fieldError('payload.amountCents').textContent()).toBe('Must be at least 1.');
    expect(await fieldError('payload.method').textContent()).toBe('Required.');
    expect(await fieldError('payload.notify').textContent()).toBe('Required.');
    expect(await bed.page.getByRole('alert').textContent()).toContain('4 things to correct');
    expect(await form.getByLabel('amountCents').getAttribute('aria-invalid')).toBe('true');
    expect(await storedJobs()).toBe(0);

    // The e-mail rule is the server's to check: its answer lands on the field.
    await form.getByLabel('orderId').fill('ORDER-1');
    await form.getByLabel('amountCents').fill('2500');
    await form.getByLabel('method').selectOption('bank');
    await form.getByLabel('notify').fill('not an address');
    await form.getByRole('button', { name: 'Enqueue' }).click();
    await fieldError('payload.notify').waitFor();
    expect(await fieldError('payload.notify').textContent()).toBe('notify must be an email');
    expect(await fieldError('payload.orderId').count()).toBe(0);
    expect(await storedJobs()).toBe(0);

    await form.getByLabel('notify').fill('ops@example.com');
    await form.getByLabel('Priority').fill('5000');
    await form.getByRole('button', { name: 'Enqueue' }).click();
    // The server refuses the priority too, on its field.
    await fieldError('priority').waitFor();
    expect(await fieldError('priority').textContent()).toMatch(/priority/);
    expect(await storedJobs()).toBe(0);

    await form.getByLabel('Priority').fill('7');
    await form.getByRole('button', { name: 'Enqueue' }).click();
    await bed.page.waitForURL(/\/job\//);
    const id = decodeURIComponent(bed.page.url().split('/job/')[1]);
    await waitFor(
      async () => (await bed.page.locator('.flash').textContent()) === `Job ${id} enqueued.`,
      {
        what: 'the flash line to say the job was enqueued',
      },
    );
    const job = await bed.docket.getJob(id);
    expect(job?.payload).toEqual({
      orderId: 'ORDER-1',
      amountCents: 2500,
      method: 'bank',
      notify: 'ops@example.com',
    });
    expect(job?.priority).toBe(7);
    expect(await storedJobs()).toBe(1);
    expect(unexpectedErrors()).toEqual([]);
  }, 60_000);

  it('creates a recurring job, shows a refused cron on its field, and edits it', async () => {
    await openPage(bed.page, bed.url('recurring'));
    await bed.page.getByRole('link', { name: 'New recurring job' }).click();
    await bed.page.locator('main[aria-busy="false"]').waitFor();
    const form = bed.page.getByRole('form', { name: 'New recurring job' });
    await form.getByLabel('Id', { exact: true }).fill('weekly-refund-report');
    await form.getByLabel('Job type').selectOption('ui-forms.refund');
    await form.getByLabel('Cron expression').fill('every monday');
    await form.getByLabel('orderId').fill('ALL');
    await form.getByLabel('amountCents').fill('1');
    await form.getByLabel('method').selectOption('card');
    await form.getByLabel('notify').fill('ops@example.com');
    await form.getByRole('button', { name: 'Create' }).click();
    await fieldError('cron').waitFor();
    expect(await fieldError('cron').textContent()).toMatch(/every monday/);
    expect(await bed.docket.scheduler.listRecurring()).toEqual([]);

    await form.getByLabel('Cron expression').fill('0 6 * * 1');
    await form.getByLabel('Time zone').fill('Europe/Paris');
    await form.getByRole('button', { name: 'Create' }).click();
    await bed.page.waitForURL(/\/recurring$/);
    await bed.page.locator('tr[data-recurring="weekly-refund-report"]').waitFor();
    const [created] = await bed.docket.scheduler.listRecurring();
    expect(created).toMatchObject({
      id: 'weekly-refund-report',
      cron: '0 6 * * 1',
      timeZone: 'Europe/Paris',
      payload: { orderId: 'ALL', amountCents: 1, method: 'card', notify: 'ops@example.com' },
    });

    await bed.page.getByRole('link', { name: 'Edit weekly-refund-report' }).click();
    const edit = bed.page.getByRole('form', { name: 'Edit recurring job weekly-refund-report' });
    await edit.waitFor();
    // The form shows the job as stored.
    expect(await edit.getByLabel('Cron expression').inputValue()).toBe('0 6 * * 1');
    expect(await edit.getByLabel('amountCents').inputValue()).toBe('1');
    expect(await edit.getByLabel('method').inputValue()).toBe('card');
    await edit.getByLabel('Cron expression').fill('0 7 * * 1');
    await edit.getByLabel('amountCents').fill('250');
    await edit.getByRole('button', { name: 'Save' }).click();
    await bed.page.waitForURL(/\/recurring$/);
    await waitFor(
      async () =>
        (await bed.page.locator('.flash').textContent()) ===
        'Recurring job weekly-refund-report saved.',
      { what: 'the flash line to say the job was saved' },
    );
    const [edited] = await bed.docket.scheduler.listRecurring();
    expect(edited).toMatchObject({ cron: '0 7 * * 1', payload: { amountCents: 250 } });
    expect(unexpectedErrors()).toEqual([]);
  }, 60_000);
});
