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

const NAV_STATES = [
  'enqueued',
  'scheduled',
  'processing',
  'succeeded',
  'failed',
  'deleted',
  'awaiting',
] as const;

/**
 * The HTML of every page: the same shell, whose script renders the page the URL names.
 * Only the options (escaped) vary; no stored data is ever written into it.
 * @param assetVersion - Appended to asset URLs, so browsers may cache them forever.
 */
export function renderPageShell(options: ResolvedDashboardOptions, assetVersion: string): string {
  const base = escapeHtml(options.basePath);
  const title = escapeHtml(options.title);
  const nav = [
    `<a href="${base}" data-nav>Overview</a>`,
    ...NAV_STATES.map(
      (state) =>
        `<a href="${base}jobs/${state}" data-nav>${state[0].toUpperCase()}${state.slice(1)}<span class="count" id="nav-count-${state}"></span></a>`,
    ),
    '<span class="sep"></span>',
    `<a href="${base}recurring" data-nav>Recurring</a>`,
    `<a href="${base}servers" data-nav>Servers</a>`,
    `<a href="${base}queues" data-nav>Queues</a>`,
  ].join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<title>${title}</title>
<link rel="icon" href="${base}assets/icon.svg?v=${assetVersion}" type="image/svg+xml">
<link rel="stylesheet" href="${base}assets/app.css?v=${assetVersion}">
<script src="${base}assets/app.js?v=${assetVersion}" defer></script>
</head>
<body data-base="${base}" data-title="${title}" data-refresh="${options.refreshIntervalMs}" data-read-only="${options.readOnly}">
<header><a class="brand" href="${base}" data-nav>${title}</a><nav id="nav">${nav}</nav></header>
<div class="status"><p id="live" class="live" aria-live="polite"></p><p id="flash" class="flash" role="status" hidden></p></div>
<main id="main" aria-busy="true"><noscript>The dashboard needs JavaScript.</noscript></main>
</body>
</html>
`;
}
