import type { BrowserContext, Page, Response } from 'playwright-core';
import { MonthlyReportJob } from '../../helpers/dashboard-scene';
import { waitFor } from '../../helpers/wait-for';
import { openPage, openUiTestBed, openTestPage, type UiTestBed } from './ui-test-bed';

/**
 * The web UI in Chromium: the two fixes (a job that succeeded after a failed attempt, queues
 * with nothing waiting), conditional polling, and use from the keyboard.
 */
describe('dashboard web UI behaviour', () => {
  let bed: UiTestBed;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    bed = await openUiTestBed('ui_behaviour', { refreshIntervalMs: 500 });
    ({ context, page, errors } = await openTestPage(bed.browser, { width: 1280, height: 860 }));
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    await bed?.close();
  });

  afterEach(() => {
    expect(errors?.splice(0)).toEqual([]);
  });

  it('shows a job that succeeded after a failed attempt as succeeded, its old error muted', async () => {
    const { retried, failed } = bed.scene.jobs;
    // What the API says of it: succeeded, and still the error of its first attempt.
    expect(await bed.docket.getJob(retried)).toMatchObject({
      state: 'succeeded',
      attempt: 2,
      error: { name: 'WarehouseUnavailableError' },
    });
    await openPage(page, bed.url('jobs/succeeded'));
    const row = page.locator(`tr.job-row[data-id="${retried}"]`);
    await row.waitFor();
    expect(await row.locator('.error-text').count()).toBe(0);
    expect(await row.textContent()).not.toContain('WarehouseUnavailableError');

    await row.locator('a').first().click();
    await page.waitForURL(bed.url(`job/${retried}`));
    await page.locator('#earlier-error').waitFor();
    expect(await page.locator('#job-state').textContent()).toBe('succeeded');
    expect(await page.locator('#job-error, .error-panel, .error-text').count()).toBe(0);
    expect(await page.locator('#earlier-error').textContent()).toContain(
      'WarehouseUnavailableError: the warehouse did not answer for month 10 (attempt 1)',
    );

    // A job that failed for good keeps its error in red.
    await openPage(page, bed.url(`job/${failed}`));
    expect(await page.locator('.error-panel #job-error').textContent()).toContain('(attempt 2)');
    await openPage(page, bed.url('jobs/failed'));
    expect(
      await page.locator(`tr.job-row[data-id="${failed}"] .error-text`).textContent(),
    ).toContain('WarehouseUnavailableError');
  });

  it('lists queues with nothing waiting, with zero counts: served ones and paused ones', async () => {
    await openPage(page, bed.url('queues'));
    const counts = (name: string) =>
      page.locator(`tr[data-queue="${name}"] td.num`).allTextContents();
    expect(await counts('idle')).toEqual(['0', '0', '0', '0']);
    expect(await page.locator('tr[data-queue="idle"] .badge').textContent()).toBe('active');
    expect(await counts('exports')).toEqual(['0', '0', '0', '0']);
    expect(await page.locator('tr[data-queue="exports"] .badge').textContent()).toBe('paused');
    expect(await page.locator('tr[data-queue="exports"] button.resume').count()).toBe(1);
  });

  it('polls with the ETag of its last answer, and leaves the page alone while it is unchanged', async () => {
    const answers: Response[] = [];
    const isList = (response: Response) => response.url().includes('/api/jobs?state=failed');
    page.on('response', (response) => {
      if (isList(response)) answers.push(response);
    });
    await openPage(page, bed.url('jobs/failed'));
    const first = answers.find((response) => response.status() === 200)!;
    const etag = await first.headerValue('etag');
    expect(etag).toMatch(/^"[\w-]{22}"$/);

    // Mutations of the page outside relative times (which tick on their own) over two polls.
    await page.evaluate(() => {
      const seen: string[] = [];
      (globalThis as { __mutations?: string[] }).__mutations = seen;
      new MutationObserver((records) => {
        for (const record of records) {
          const node =
            record.target instanceof Element ? record.target : record.target.parentElement;
          if (!node?.closest('time')) seen.push(`${record.type} ${node?.nodeName}`);
        }
      }).observe(document.querySelector('main')!, {
        subtree: true,
        childList: true,
        characterData: true,
        attributes: true,
      });
    });
    for (let poll = 0; poll < 2; poll++) {
      const unchanged = await page.waitForResponse((r) => isList(r) && r.status() === 304);
      expect(await unchanged.request().headerValue('if-none-match')).toBe(etag);
    }
    expect(
      await page.evaluate(() => (globalThis as { __mutations?: string[] }).__mutations),
    ).toEqual([]);

    // A change reaches the page at the next poll, with a new ETag.
    const another = await bed.docket.scheduler.enqueue(
      Object.assign(new MonthlyReportJob(), { month: 12, note: 'warehouse offline' }),
      { queue: 'reports' },
    );
    await waitFor(async () => (await bed.docket.getJob(another))?.state === 'failed', {
      what: 'the new job to fail',
    });
    await page.locator(`tr.job-row[data-id="${another}"]`).waitFor();
    const changed = answers.filter((response) => response.status() === 200).pop()!;
    expect(await changed.headerValue('etag')).not.toBe(etag);
    page.removeAllListeners('response');
  });

  it('works from the keyboard: skip link, navigation, actions, visible focus', async () => {
    await openPage(page, bed.url(''));
    const active = () =>
      page.evaluate(() => {
        const element = document.activeElement as HTMLElement | null;
        const style = element ? getComputedStyle(element) : null;
        return {
          tag: element?.tagName,
          id: element?.id,
          text: element?.textContent?.trim(),
          label: element?.getAttribute('aria-label'),
          href: element?.getAttribute('href'),
          outline: style ? `${style.outlineStyle} ${style.outlineWidth}` : '',
        };
      });
    const tabTo = async (accept: (focused: Awaited<ReturnType<typeof active>>) => boolean) => {
      for (let presses = 0; presses < 60; presses++) {
        await page.keyboard.press('Tab');
        const focused = await active();
        if (accept(focused)) return focused;
      }
      throw new Error('Tab never reached the element');
    };

    await page.keyboard.press('Tab');
    expect(await active()).toMatchObject({ tag: 'A', text: 'Skip to content' });
    // Hidden above the page until focused, then shown.
    expect((await page.locator('.skip-link').boundingBox())!.y).toBeGreaterThanOrEqual(0);
    await page.keyboard.press('Enter');
    expect((await active()).id).toBe('main');

    const queuesLink = await tabTo((focused) => focused.href === '/queues');
    expect(queuesLink.outline).toMatch(/^solid [1-9]/);
    await page.keyboard.press('Enter');
    await page.waitForURL(bed.url('queues'));
    await page.locator('main[aria-busy="false"]').waitFor();
    expect((await active()).id).toBe('page-heading');

    const resume = await tabTo((focused) => focused.label === 'Resume queue exports');
    expect(resume.outline).toMatch(/^solid [1-9]/);
    await page.keyboard.press('Enter');
    await page.locator('#flash').filter({ hasText: 'Queue resumed.' }).waitFor();
    await page.locator('tr[data-queue="exports"] .badge').filter({ hasText: 'active' }).waitFor();
    // The same button, now Pause, keeps the focus: the keyboard user stays where they were.
    expect((await active()).label).toBe('Pause queue exports');
    expect((await bed.docket.listQueues()).find((q) => q.name === 'exports')?.paused).toBe(false);
    // It is the Resume button's instance: busy (aria-disabled, ignoring keys) until the
    // page's data is refreshed. A loaded machine can show it as Pause before that ends.
    await page.locator('button[aria-label="Pause queue exports"]:not([aria-disabled])').waitFor();
    await page.keyboard.press('Enter');
    await page.locator('#flash').filter({ hasText: 'Queue paused.' }).waitFor();
    expect((await bed.docket.listQueues()).find((q) => q.name === 'exports')?.paused).toBe(true);

    // Drain asks first; its enqueued jobs are then deleted.
    const waiting = await bed.docket.scheduler.enqueue(
      Object.assign(new MonthlyReportJob(), { month: 1, note: 'drained' }),
      { queue: 'exports' },
    );
    const questions: string[] = [];
    page.once('dialog', (dialog) => {
      questions.push(dialog.message());
      void dialog.accept();
    });
    await page.getByRole('button', { name: 'Drain queue exports' }).click();
    await page.locator('#flash').filter({ hasText: 'Queue drained' }).waitFor();
    expect(questions).toEqual([
      'Delete every enqueued job of exports? Running and scheduled jobs stay.',
    ]);
    expect((await bed.docket.getJob(waiting))?.state).toBe('deleted');
  });
});
