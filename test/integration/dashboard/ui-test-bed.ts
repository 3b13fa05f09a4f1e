// The browser tests' page.evaluate callbacks run in the page: they need the DOM's types. A
// lib reference applies to the whole type-check of the tests; the build of Docket itself
// (tsconfig.build.json, src only) still has no DOM types, so server code cannot lean on them.
/// <reference lib="dom" />
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  startDashboard,
  type RunningDashboard,
  type StandaloneDashboardOptions,
} from '../../../src/dashboard';
import type { Docket, DocketOptions } from '../../../src';
import { launchChromium } from '../../helpers/chromium';
import { SCENE_HANDLERS, startScene, type Scene } from '../../helpers/dashboard-scene';
import { createTestDocket } from '../../helpers/docket';
import { openTestDatabase, type TestDatabase } from '../../helpers/mongo';

/** What the web UI's browser tests share: a browser, and a dashboard on a filled Docket. */
export interface UiTestBed {
  readonly browser: Browser;
  readonly db: TestDatabase;
  readonly docket: Docket;
  readonly scene: Scene;
  readonly dashboard: RunningDashboard;
  /** The URL of a page, by its path under the dashboard (`jobs/failed`). */
  url(path: string): string;
  close(): Promise<void>;
}

/**
 * Launches Chromium first (a missing browser fails the suite before anything starts), then a
 * Docket filled with the scene of test/helpers/dashboard-scene.ts and its dashboard.
 */
export async function openUiTestBed(
  label: string,
  options: StandaloneDashboardOptions = {},
): Promise<UiTestBed> {
  const { browser } = await launchChromium();
  // Undone in reverse order by close(), or at once if a later step fails.
  const undo: (() => Promise<void>)[] = [() => browser.close()];
  const close = async () => {
    for (const step of undo.splice(0).reverse()) await step();
  };
  try {
    const db = await openTestDatabase(label);
    undo.push(() => db.cleanup());
    const { docket } = await createTestDocket(db, { handlers: SCENE_HANDLERS });
    undo.push(() => docket.close());
    const scene = await startScene(docket);
    undo.push(() => scene.server.stop());
    const dashboard = await startDashboard(docket, options);
    undo.push(() => dashboard.close());
    return {
      browser,
      db,
      docket,
      scene,
      dashboard,
      url: (path) => `${dashboard.url}${path}`,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Opens a page of the dashboard and waits until its data has been rendered. */
export async function openPage(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.locator('main[aria-busy="false"]').waitFor();
}

/** Chromium's console line for a page that answered 404 (the not-found page does). */
export const OWN_404 =
  'Failed to load resource: the server responded with a status of 404 (Not Found)';

/**
 * Collects the page's script errors and console errors (a refused Content-Security-Policy
 * shows up there too), for a test to expect none.
 */
export function pageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error' && message.text() !== OWN_404) errors.push(message.text());
  });
  return errors;
}

/** A page of a new browser context (10 s timeouts for its waits), with the errors it logs. */
export async function openTestPage(
  browser: Browser,
  viewport: { width: number; height: number } = { width: 1366, height: 900 },
): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  return { context, page, errors: pageErrors(page) };
}

/** What a browser test of its own jobs works with: a dashboard on them, and a page. */
export interface UiPageBed {
  readonly browser: Browser;
  readonly db: TestDatabase;
  readonly docket: Docket;
  readonly dashboard: RunningDashboard;
  readonly context: BrowserContext;
  readonly page: Page;
  /** The page's script and console errors so far ({@link pageErrors}). */
  readonly errors: string[];
  /** The URL of a page, by its path under the dashboard (`jobs/failed`). */
  url(path: string): string;
}

/**
 * Registers the `beforeAll` and `afterAll` of a browser test on its own jobs: Chromium first
 * (a missing browser fails the suite before anything starts), then a Docket with `handlers`
 * (no server runs them), its dashboard, and a page of {@link openTestPage}; closed in the
 * reverse order. The bed's fields are set once its `beforeAll` has run, so a later
 * `beforeAll` of the file may store the jobs the tests look at.
 */
export function useUiPageBed(
  label: string,
  options: {
    readonly handlers: DocketOptions['handlers'];
    readonly dashboard?: StandaloneDashboardOptions;
  },
): UiPageBed {
  const bed = { url: (path: string) => `${bed.dashboard.url}${path}` } as {
    -readonly [K in keyof UiPageBed]: UiPageBed[K];
  };
  const undo: (() => Promise<void>)[] = [];
  beforeAll(async () => {
    bed.browser = (await launchChromium()).browser;
    undo.push(() => bed.browser.close());
    bed.db = await openTestDatabase(label);
    undo.push(() => bed.db.cleanup());
    bed.docket = (await createTestDocket(bed.db, { handlers: options.handlers })).docket;
    undo.push(() => bed.docket.close());
    bed.dashboard = await startDashboard(bed.docket, options.dashboard);
    undo.push(() => bed.dashboard.close());
    Object.assign(bed, await openTestPage(bed.browser));
    undo.push(() => bed.context.close());
  }, 60_000);
  afterAll(async () => {
    for (const step of undo.splice(0).reverse()) await step();
  });
  return bed;
}
