import { openPage, openUiTestBed, pageErrors, type UiTestBed } from './ui-test-bed';

const AXE = require.resolve('axe-core/axe.min.js');
const BLOCKING = ['serious', 'critical'];

interface Violation {
  readonly id: string;
  readonly impact: string | null;
  readonly nodes: readonly { readonly target: readonly string[] }[];
}

/**
 * axe-core on every page, in both themes: no serious or critical violation. The script is
 * injected from its package with the page's Content-Security-Policy bypassed (it forbids
 * any script but the dashboard's own, which the security tests check).
 */
describe('dashboard web UI accessibility (axe-core)', () => {
  let bed: UiTestBed;

  beforeAll(async () => {
    bed = await openUiTestBed('ui_axe');
  }, 60_000);

  afterAll(async () => {
    await bed?.close();
  });

  for (const colorScheme of ['light', 'dark'] as const) {
    it(`finds no serious or critical violation on any page, ${colorScheme}`, async () => {
      const context = await bed.browser.newContext({ colorScheme, bypassCSP: true });
      try {
        const page = await context.newPage();
        const errors = pageErrors(page);
        // The scene's pages, the batches' included.
        expect(bed.scene.pages.map((p) => p.name)).toEqual(
          expect.arrayContaining(['batches', 'batch', 'jobs-batch', 'job-in-batch']),
        );
        const found: Record<string, string[]> = {};
        const blocking: Record<string, string[]> = {};
        for (const { name, path } of bed.scene.pages) {
          await openPage(page, bed.url(path));
          await page.addScriptTag({ path: AXE });
          const violations = await page.evaluate(async () => {
            const { axe } = globalThis as unknown as {
              axe: { run(context: Document, options: object): Promise<{ violations: unknown }> };
            };
            return (await axe.run(document, { resultTypes: ['violations'] })).violations;
          });
          const list = violations as Violation[];
          found[name] = list.map((v) => `${v.id} (${v.impact}, ${v.nodes.length})`);
          const serious = list.filter((v) => BLOCKING.includes(v.impact ?? ''));
          if (serious.length > 0) {
            blocking[name] = serious.map(
              (v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
            );
          }
        }
        process.stdout.write(`axe, ${colorScheme}: ${JSON.stringify(found)}\n`);
        expect(blocking).toEqual({});
        expect(errors).toEqual([]);
      } finally {
        await context.close();
      }
    }, 120_000);
  }
});
