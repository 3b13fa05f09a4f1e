import type { Request } from 'playwright-core';
import { openPage, openUiTestBed, pageErrors, type UiTestBed } from './ui-test-bed';

/** The first load's budget: shell, script, style sheet and icon, as transferred (gzipped). */
const LIMIT = 80 * 1024;

describe('dashboard web UI weight', () => {
  let bed: UiTestBed;

  beforeAll(async () => {
    bed = await openUiTestBed('ui_weight');
  }, 60_000);

  afterAll(async () => {
    await bed?.close();
  });

  it(`loads cold in at most ${LIMIT / 1024} KB, gzipped as served (shell, script, styles, icon)`, async () => {
    const context = await bed.browser.newContext();
    try {
      const page = await context.newPage();
      const errors = pageErrors(page);
      const finished: Request[] = [];
      page.on('requestfinished', (request) => finished.push(request));
      await openPage(page, bed.url(''));
      // Headless Chromium does not fetch a page's icon: fetch it the way a browser would.
      const iconHref = await page.locator('link[rel="icon"]').getAttribute('href');
      await page.evaluate((href) => fetch(href!).then((res) => res.arrayBuffer()), iconHref);

      const sizes: Record<string, number> = {};
      const encodings: Record<string, string | null> = {};
      for (const request of finished) {
        const name = new URL(request.url()).pathname.split('/').pop() || 'shell';
        if (!['shell', 'app.js', 'app.css', 'icon.svg'].includes(name)) continue;
        sizes[name] = (await request.sizes()).responseBodySize;
        encodings[name] = (await request.response())!.headers()['content-encoding'] ?? null;
      }
      const total = Object.values(sizes).reduce((sum, bytes) => sum + bytes, 0);
      process.stdout.write(
        `first load, as transferred: ${Object.entries(sizes)
          .map(([name, bytes]) => `${name} ${bytes} B`)
          .join(
            ', ',
          )}; total ${total} B (${(total / 1024).toFixed(1)} KB, limit ${LIMIT / 1024} KB)\n`,
      );
      expect(Object.keys(sizes).sort()).toEqual(['app.css', 'app.js', 'icon.svg', 'shell']);
      expect(encodings).toMatchObject({ 'app.js': 'gzip', 'app.css': 'gzip' });
      expect(total).toBeLessThanOrEqual(LIMIT);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
