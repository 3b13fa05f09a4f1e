import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DocketError } from '../../../src';
import { resolveDashboardOptions } from '../../../src/dashboard/dashboard-options';
import { loadUiAssets, UI_FOLDERS } from '../../../src/dashboard/ui/ui-assets';
import { renderPageShell } from '../../../src/dashboard/ui/page-shell';

describe('the web UI assets and page shell', () => {
  let scratch: string;

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'docket-ui-assets-'));
  });

  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('looks in the package dist first, then in the UI package of a source checkout', () => {
    expect(UI_FOLDERS).toHaveLength(2);
    expect(UI_FOLDERS[0]).toMatch(/[/\\]dashboard-ui$/);
    expect(UI_FOLDERS[1]).toMatch(/[/\\]packages[/\\]dashboard-ui[/\\]dist$/);
  });

  it('serves the first folder that holds every file, gzipped and with an ETag', async () => {
    const partial = join(scratch, 'partial');
    const complete = join(scratch, 'complete');
    for (const [folder, names] of [
      [partial, ['app.js']],
      [complete, ['app.js', 'app.css', 'icon.svg']],
    ] as const) {
      await mkdir(folder, { recursive: true });
      for (const name of names) await writeFile(join(folder, name), `/* ${folder} ${name} */`);
    }
    const assets = loadUiAssets([join(scratch, 'missing'), partial, complete]);
    expect([...assets.keys()]).toEqual(['assets/app.js', 'assets/app.css', 'assets/icon.svg']);
    const script = assets.get('assets/app.js')!;
    expect(script.body.toString()).toBe(`/* ${complete} app.js */`);
    expect(script.contentType).toBe('text/javascript; charset=utf-8');
    expect(script.etag).toMatch(/^"[\w-]{22}"$/);
    expect(assets.get('assets/app.css')!.contentType).toMatch(/^text\/css/);
    expect(assets.get('assets/icon.svg')!.contentType).toBe('image/svg+xml');
  });

  it('fails with the command that builds the UI when no folder holds it', () => {
    const missing = [join(scratch, 'nowhere'), join(scratch, 'neither')];
    expect(() => loadUiAssets(missing)).toThrow(DocketError);
    expect(() => loadUiAssets(missing)).toThrow(/web UI is not built.*npm run build:ui/);
    expect(() => loadUiAssets(missing)).toThrow(join(scratch, 'nowhere'));
  });

  it('renders a shell that escapes its options and runs no inline script', () => {
    const shell = renderPageShell(
      resolveDashboardOptions({ allowUnauthenticated: true, title: '"><script>x()</script>' }),
      'v1',
    );
    expect(shell).not.toContain('<script>x()');
    expect(shell).toContain('&quot;&gt;&lt;script&gt;x()&lt;/script&gt;');
    expect(shell.match(/<script/g)).toHaveLength(1);
    expect(shell).toContain('<script src="/assets/app.js?v=v1" defer></script>');
    expect(shell).toContain('<div id="app">');
  });
});
