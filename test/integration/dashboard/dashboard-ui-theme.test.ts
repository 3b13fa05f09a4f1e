import type { Page } from 'playwright-core';
import { openPage, openUiTestBed, pageErrors, type UiTestBed } from './ui-test-bed';

/** Relative luminance (WCAG) of a computed `rgb(...)` colour: 0 black, 1 white. */
function luminance(colour: string): number {
  const [r, g, b] = (colour.match(/[\d.]+/g) ?? []).slice(0, 3).map((part) => {
    const channel = Number(part) / 255;
    return channel <= 0.04045 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** The theme in effect, the toggle's state and the tone of the page's main colours. */
async function looks(page: Page) {
  const computed = await page.evaluate(() => {
    const root = getComputedStyle(document.documentElement);
    return {
      theme: document.documentElement.dataset.theme,
      background: root.backgroundColor,
      text: root.color,
      panel: getComputedStyle(document.querySelector('.panel, table')!).backgroundColor,
      pressed: document.querySelector('.theme-toggle')!.getAttribute('aria-pressed'),
    };
  });
  return {
    theme: computed.theme,
    pressed: computed.pressed,
    background: tone(computed.background),
    panel: tone(computed.panel),
    text: tone(computed.text),
  };
}

/** Dark (luminance under 0.06), light (over 0.6) or neither: what a reader would call it. */
function tone(colour: string): 'dark' | 'light' | 'middle' {
  const value = luminance(colour);
  return value < 0.06 ? 'dark' : value > 0.6 ? 'light' : 'middle';
}

const DARK = { theme: 'dark', pressed: 'true', background: 'dark', panel: 'dark', text: 'light' };
const LIGHT = {
  theme: 'light',
  pressed: 'false',
  background: 'light',
  panel: 'light',
  text: 'dark',
};

/**
 * Dark mode: it follows the system's `prefers-color-scheme` until the header's toggle picks
 * a theme, which is remembered (localStorage) across reloads and tabs.
 */
describe('dashboard web UI themes', () => {
  let bed: UiTestBed;

  beforeAll(async () => {
    bed = await openUiTestBed('ui_theme');
  }, 60_000);

  afterAll(async () => {
    await bed?.close();
  });

  it('follows the system: dark colours for a dark preference, light ones for a light one', async () => {
    for (const colorScheme of ['dark', 'light'] as const) {
      const context = await bed.browser.newContext({ colorScheme });
      const page = await context.newPage();
      const errors = pageErrors(page);
      await openPage(page, bed.url(''));
      expect(await looks(page)).toEqual(colorScheme === 'dark' ? DARK : LIGHT);
      // And as the system's preference changes, while the user has not picked one.
      await page.emulateMedia({ colorScheme: colorScheme === 'dark' ? 'light' : 'dark' });
      await page.waitForFunction(
        (expected) => document.documentElement.dataset.theme === expected,
        colorScheme === 'dark' ? 'light' : 'dark',
      );
      expect(errors).toEqual([]);
      await context.close();
    }
  });

  it('lets the toggle override the system, and remembers the choice', async () => {
    const context = await bed.browser.newContext({ colorScheme: 'dark' });
    const page = await context.newPage();
    const errors = pageErrors(page);
    await openPage(page, bed.url(''));
    expect(await looks(page)).toEqual(DARK);

    await page.locator('.theme-toggle').click();
    expect(await looks(page)).toEqual(LIGHT);
    await page.reload();
    await page.locator('main[aria-busy="false"]').waitFor();
    expect(await looks(page)).toEqual(LIGHT);
    // The system's preference no longer decides.
    await page.emulateMedia({ colorScheme: 'light' });
    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await looks(page)).toEqual(LIGHT);
    // Another tab of the same browser profile.
    const other = await context.newPage();
    await openPage(other, bed.url('queues'));
    expect(await looks(other)).toEqual(LIGHT);

    // The chart is redrawn in the theme's colours (its canvas is replaced).
    const canvas = await page.locator('.chart-canvas canvas').elementHandle();
    await page.locator('.theme-toggle').click();
    expect(await looks(page)).toEqual(DARK);
    await page.waitForFunction((old) => !old?.isConnected, canvas);
    await page.reload();
    await page.locator('main[aria-busy="false"]').waitFor();
    expect(await looks(page)).toEqual(DARK);
    expect(errors).toEqual([]);
    await context.close();
  });
});
