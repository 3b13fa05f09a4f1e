import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DocketError } from '../../errors/docket-error';

/** A static file of the web UI, prepared once: its bytes, gzipped bytes and ETag. */
export interface UiAsset {
  readonly contentType: string;
  readonly body: Buffer;
  readonly gzipped: Buffer;
  readonly etag: string;
}

/** The files the UI's build writes (packages/dashboard-ui), served under `assets/`. */
const FILES: readonly (readonly [name: string, contentType: string])[] = [
  ['app.js', 'text/javascript; charset=utf-8'],
  ['app.css', 'text/css; charset=utf-8'],
  ['icon.svg', 'image/svg+xml'],
];

/**
 * Where the built UI is looked for, in order: `dist/dashboard-ui` beside the compiled code
 * (what the published package ships), then the UI package's own `dist` when Docket runs
 * from its sources (ts-jest, ts-node).
 */
export const UI_FOLDERS: readonly string[] = [
  join(__dirname, '..', '..', 'dashboard-ui'),
  join(__dirname, '..', '..', '..', 'packages', 'dashboard-ui', 'dist'),
];

function prepare(contentType: string, body: Buffer): UiAsset {
  return {
    contentType,
    body,
    gzipped: gzipSync(body, { level: 9 }),
    etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
  };
}

/**
 * Reads the UI's files from the first of `folders` that holds them all.
 * @throws DocketError when none does, naming the folders and the command that builds them
 */
export function loadUiAssets(
  folders: readonly string[] = UI_FOLDERS,
): ReadonlyMap<string, UiAsset> {
  const folder = folders.find((candidate) =>
    FILES.every(([name]) => existsSync(join(candidate, name))),
  );
  if (folder === undefined) {
    throw new DocketError(
      `The dashboard's web UI is not built: no ${FILES.map(([name]) => name).join(', ')} in ` +
        `${folders.join(' or ')}. Run \`npm run build:ui\` in the Docket repository ` +
        '(`npm run build`, `npm start` and `npm test` run it too).',
    );
  }
  return new Map(
    FILES.map(([name, contentType]) => [
      `assets/${name}`,
      prepare(contentType, readFileSync(join(folder, name))),
    ]),
  );
}

let assets: ReadonlyMap<string, UiAsset> | undefined;

/** The UI's files by path under the base path (`assets/app.js`...), read on first use. */
export function uiAssets(): ReadonlyMap<string, UiAsset> {
  assets ??= loadUiAssets();
  return assets;
}

/** A short hash of every asset, to version their URLs. */
export function assetVersion(): string {
  const hash = createHash('sha256');
  for (const asset of uiAssets().values()) hash.update(asset.etag);
  return hash.digest('base64url').slice(0, 10);
}
