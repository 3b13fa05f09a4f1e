/**
 * `npm run screenshots`: every page of the dashboard at 1366 px and 390 px wide, light and
 * dark, written to docs/screenshots as `<page>-<width>-<theme>.png` (plus the narrow
 * layout's open menu). It runs a Docket holding one of everything the pages show (the scene
 * of test/helpers/dashboard-scene.ts) on the in-memory MongoDB stand-in, its dashboard, and
 * headless Chromium (found as the browser tests find it).
 *
 * Only the first screen of each page is kept, at a device scale factor of 1, so that the
 * images stay small.
 */
import 'reflect-metadata';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { container } from 'tsyringe';
import { Docket } from '../../src';
import { startDashboard } from '../../src/dashboard';
import { startEphemeralMongo } from '../../src/testing';
import { launchChromium } from '../helpers/chromium';
import { SCENE_HANDLERS, startScene } from '../helpers/dashboard-scene';
import { quietLogger } from '../helpers/logger';

const OUT = join(__dirname, '..', '..', 'docs', 'screenshots');
const LAYOUTS = [
  { label: '1366', viewport: { width: 1366, height: 900 } },
  { label: '390', viewport: { width: 390, height: 844 } },
] as const;
const THEMES = ['light', 'dark'] as const;

async function main(): Promise<void> {
  const mongo = await startEphemeralMongo({ prefer: 'stand-in', announce: false });
  const docket = await Docket.create({
    mongo: { uri: mongo.uri, dbName: 'screenshots' },
    container: container.createChildContainer(),
    handlers: SCENE_HANDLERS,
    logger: quietLogger(),
  });
  const scene = await startScene(docket);
  const dashboard = await startDashboard(docket, { title: 'Docket' });
  const { browser } = await launchChromium();
  try {
    await mkdir(OUT, { recursive: true });
    for (const old of await readdir(OUT)) {
      if (old.endsWith('.png')) await rm(join(OUT, old));
    }
    const pages = scene.pages.filter((page) => page.name !== 'not-found');
    for (const { label, viewport } of LAYOUTS) {
      for (const colorScheme of THEMES) {
        const context = await browser.newContext({ viewport, colorScheme, deviceScaleFactor: 1 });
        const page = await context.newPage();
        const shoot = (name: string) =>
          page.screenshot({ path: join(OUT, `${name}-${label}-${colorScheme}.png`) });
        for (const { name, path } of pages) {
          await page.goto(`${dashboard.url}${path}`);
          await page.locator('main[aria-busy="false"]').waitFor();
          await shoot(name);
        }
        if (label === '390') {
          await page.goto(dashboard.url);
          await page.locator('main[aria-busy="false"]').waitFor();
          await page.locator('.menu-button').click();
          await page.locator('#nav a').first().waitFor();
          await shoot('menu');
        }
        await context.close();
      }
    }
    let bytes = 0;
    const files = (await readdir(OUT)).filter((file) => file.endsWith('.png'));
    for (const file of files) bytes += (await stat(join(OUT, file))).size;
    console.log(`${files.length} screenshots, ${(bytes / 1024).toFixed(0)} KB, in ${OUT}`);
  } finally {
    await browser.close();
    await dashboard.close();
    await scene.server.stop();
    await docket.close();
    await mongo.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
