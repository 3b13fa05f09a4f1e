import type { ComponentChildren } from 'preact';
import { useEffect } from 'preact/hooks';
import { useApp } from '../app/app-context';
import type { ApiError } from '../live/api-client';

/**
 * A page's `<main>`: its heading (focused when the page is opened in place, so that
 * keyboard and screen reader users start there), the document title, and `aria-busy`
 * until the page's data first arrives.
 */
export function PageFrame({
  title,
  heading,
  busy,
  children,
}: {
  title: string;
  heading?: ComponentChildren;
  busy: boolean;
  children?: ComponentChildren;
}) {
  const { config } = useApp();
  useEffect(() => {
    document.title = `${title} · ${config.title}`;
  }, [title, config.title]);
  return (
    <main id="main" tabIndex={-1} aria-busy={busy ? 'true' : 'false'}>
      <h1 id="page-heading" tabIndex={-1}>
        {heading ?? title}
      </h1>
      {children}
    </main>
  );
}

/** What a page shows before its data: "Loading…", or why it could not load. */
export function LoadState({ error }: { error: ApiError | undefined }) {
  return error === undefined ? (
    <p class="empty">Loading…</p>
  ) : (
    <p class="empty error-text">Could not load this page: {error.message}</p>
  );
}
