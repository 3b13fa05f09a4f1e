import { API_BATCH_STATES, type ApiBatchPage } from '../../../../src/dashboard/api-batch-types';
import { useApp } from '../app/app-context';
import { hrefs, type BatchListQuery } from '../app/routes';
import { LoadState, PageFrame } from '../layout/page-frame';
import { useResource } from '../live/use-resource';
import { AppLink } from '../parts/app-link';
import { capitalized } from '../parts/format';
import { Pager } from '../parts/pager';
import { batchesApiPath } from './batch-list-api';
import { BatchTable } from './batch-table';

const PAGE_SIZE = 20;

/**
 * Batches, newest first, each with its state and progress: in one state or all, the batches
 * nested in one or all, a page at a time, as the URL says.
 */
export function BatchesPage({ query }: { query: BatchListQuery }) {
  const { config, navigate } = useApp();
  const { data: page, error } = useResource<ApiBatchPage>(batchesApiPath(query, PAGE_SIZE));
  const { base } = config;
  return (
    <PageFrame title="Batches" busy={page === undefined && error === undefined}>
      <form
        class="filters batch-filters"
        role="search"
        aria-label="Filter batches"
        onSubmit={(event) => {
          event.preventDefault();
          const state = new FormData(event.currentTarget).get('state');
          navigate(
            hrefs.batches(base, { ...query, state: state as BatchListQuery['state'], cursor: '' }),
          );
        }}
      >
        <div class="filter-row">
          <label>
            State
            <select name="state">
              <option value="" selected={query.state === ''}>
                All states
              </option>
              {API_BATCH_STATES.map((state) => (
                <option key={state} value={state} selected={state === query.state}>
                  {capitalized(state)}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" class="btn">
            Show
          </button>
        </div>
      </form>
      {query.parent && (
        <p class="list-context">
          Nested in batch{' '}
          <AppLink class="mono" href={hrefs.batch(base, query.parent)}>
            {query.parent}
          </AppLink>{' '}
          · <AppLink href={hrefs.batches(base, { state: query.state })}>All batches</AppLink>
        </p>
      )}
      {page === undefined ? (
        <LoadState error={error} />
      ) : page.items.length === 0 ? (
        <p class="empty">
          No {query.state ? `${query.state} ` : ''}batches
          {query.pageNumber > 1 ? ' on this page' : ''}.
        </p>
      ) : (
        <BatchTable label="Batches" batches={page.items} />
      )}
      <Pager
        pageNumber={query.pageNumber}
        firstHref={hrefs.batches(base, { ...query, cursor: '' })}
        nextHref={
          page?.nextCursor
            ? hrefs.batches(base, {
                ...query,
                cursor: page.nextCursor,
                pageNumber: query.pageNumber + 1,
              })
            : null
        }
      />
    </PageFrame>
  );
}
