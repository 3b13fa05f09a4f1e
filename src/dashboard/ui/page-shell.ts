import type { ResolvedDashboardOptions } from '../dashboard-options';

/** Escapes text for HTML element content and double-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/**
 * The HTML of every page: the same shell, whose script (the UI built from
 * packages/dashboard-ui) renders the page the URL names into `#app`. Only the options
 * (escaped) vary; no stored data is ever written into it.
 * @param assetVersion - Appended to asset URLs, so browsers may cache them forever.
 */
export function renderPageShell(options: ResolvedDashboardOptions, assetVersion: string): string {
  const base = escapeHtml(options.basePath);
  const title = escapeHtml(options.title);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<meta name="color-scheme" content="light dark">
<title>${title}</title>
<link rel="icon" href="${base}assets/icon.svg?v=${assetVersion}" type="image/svg+xml">
<link rel="stylesheet" href="${base}assets/app.css?v=${assetVersion}">
<script src="${base}assets/app.js?v=${assetVersion}" defer></script>
</head>
<body data-base="${base}" data-title="${title}" data-refresh="${options.refreshIntervalMs}" data-read-only="${options.readOnly}" data-max-page-size="${options.maxPageSize}">
<div id="app"><noscript>The dashboard needs JavaScript.</noscript></div>
</body>
</html>
`;
}
