import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { APP_SCRIPT } from './app-script';
import { APP_STYLES } from './app-styles';

/** A static file of the web UI, prepared once: its bytes, gzipped bytes and ETag. */
export interface UiAsset {
  readonly contentType: string;
  readonly body: Buffer;
  readonly gzipped: Buffer;
  readonly etag: string;
}

const ICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#1d2330"/><path d="M9 8h8a7 7 0 0 1 0 14H9z" fill="none" stroke="#7aa2ff" stroke-width="3"/><path d="M9 25h14" stroke="#1f9d55" stroke-width="3"/></svg>`;

function prepare(contentType: string, text: string): UiAsset {
  const body = Buffer.from(text, 'utf8');
  return {
    contentType,
    body,
    gzipped: gzipSync(body, { level: 9 }),
    etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
  };
}

let assets: ReadonlyMap<string, UiAsset> | undefined;

/** The UI's files by path under the base path (`assets/app.js`...), prepared on first use. */
export function uiAssets(): ReadonlyMap<string, UiAsset> {
  assets ??= new Map([
    ['assets/app.js', prepare('text/javascript; charset=utf-8', APP_SCRIPT)],
    ['assets/app.css', prepare('text/css; charset=utf-8', APP_STYLES)],
    ['assets/icon.svg', prepare('image/svg+xml', ICON)],
  ]);
  return assets;
}

/** A short hash of every asset, to version their URLs. */
export function assetVersion(): string {
  const hash = createHash('sha256');
  for (const asset of uiAssets().values()) hash.update(asset.etag);
  return hash.digest('base64url').slice(0, 10);
}
