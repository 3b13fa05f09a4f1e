import type { BrowserContext, Page } from 'playwright-core';
import { openPage, openUiTestBed, pageErrors, type UiTestBed } from './ui-test-bed';

const WIDTH = 390;

/** A phone's width: no page scrolls sideways, and the navigation folds behind a menu button. */
describe(`dashboard web UI at ${WIDTH} px`, () => {
  let bed: UiTestBed;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    bed = await openUiTestBed('ui_narrow');
    context = await bed.browser.newContext({ viewport: { width: WIDTH, height: 844 } });
    context.setDefaultTimeout(10_000);
    page = await context.newPage();
    errors = pageErrors(page);
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    await bed?.close();
  });

  afterEach(() => {
    expect(errors?.splice(0)).toEqual([]);
  });

  const widths = () =>
    page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      viewport: window.innerWidth,
    }));

  it('never makes the document wider than the screen, on any page', async () => {
    const overflowing: Record<string, number> = {};
    for (const { name, path } of bed.scene.pages) {
      await openPage(page, bed.url(path));
      const { scrollWidth, viewport } = await widths();
      expect(viewport).toBe(WIDTH);
      if (scrollWidth > viewport) overflowing[name] = scrollWidth;
    }
    expect(overflowing).toEqual({});
  });

  it('folds the navigation behind a menu button, which opens it', async () => {
    await openPage(page, bed.url(''));
    const menu = page.locator('.menu-button');
    const nav = page.locator('#nav');
    expect(await menu.isVisible()).toBe(true);
    expect(await nav.isVisible()).toBe(false);
    expect(await menu.getAttribute('aria-expanded')).toBe('false');

    await menu.click();
    expect(await menu.getAttribute('aria-expanded')).toBe('true');
    await nav.locator('a[href="/jobs/failed"]').waitFor();
    expect(await nav.locator('a').count()).toBe(14);
    expect((await widths()).scrollWidth).toBeLessThanOrEqual(WIDTH);

    // Opening a page folds it again.
    await nav.locator('a[href="/jobs/failed"]').click();
    await page.waitForURL(bed.url('jobs/failed'));
    await nav.waitFor({ state: 'hidden' });
    expect(await menu.getAttribute('aria-expanded')).toBe('false');
  });

  it('opens the menu from the keyboard, and Escape closes it back onto its button', async () => {
    await openPage(page, bed.url(''));
    const menu = page.locator('.menu-button');
    await menu.focus();
    await page.keyboard.press('Enter');
    expect(await menu.getAttribute('aria-expanded')).toBe('true');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.closest('#nav') !== null)).toBe(true);
    await page.keyboard.press('Escape');
    expect(await menu.getAttribute('aria-expanded')).toBe('false');
    await page.locator('#nav').waitFor({ state: 'hidden' });
    expect(await page.evaluate(() => document.activeElement?.className)).toBe('menu-button');
  });
});
