import { useApp } from '../app/app-context';
import { AppLink } from './app-link';

/**
 * The pager of a list paged by cursor: a link to its first page, the page's number, and a
 * button to the next page (disabled on the last one).
 */
export function Pager({
  pageNumber,
  firstHref,
  nextHref,
}: {
  pageNumber: number;
  firstHref: string;
  /** The next page's href; null on the last page (or before the page came). */
  nextHref: string | null;
}) {
  const { navigate } = useApp();
  return (
    <nav class="pager" aria-label="Pages of the list">
      <AppLink
        class={`btn small first${pageNumber === 1 ? ' disabled' : ''}`}
        aria-disabled={pageNumber === 1 ? 'true' : undefined}
        href={firstHref}
      >
        ⇤ First page
      </AppLink>
      <span class="muted">Page {pageNumber}</span>
      <button
        type="button"
        class="btn small next"
        disabled={nextHref === null}
        onClick={() => nextHref !== null && navigate(nextHref)}
      >
        Next page →
      </button>
    </nav>
  );
}
