import { useState } from 'preact/hooks';
import type { ApiJobCount, ApiJobPage, ApiJobSummary } from '../../../../src/dashboard/api-types';
import { ALL_STATES } from '../../../../src/dashboard/ui-pages';
import { useApp } from '../app/app-context';
import { hrefs, type JobListQuery, type ListState } from '../app/routes';
import { LoadState, PageFrame } from '../layout/page-frame';
import { useResource } from '../live/use-resource';
import { AppLink } from '../parts/app-link';
import { StateBadge } from '../parts/badge';
import { DataTable, type Column } from '../parts/data-table';
import { capitalized } from '../parts/format';
import { FINISHED_STATES } from '../parts/job-states';
import { Pager } from '../parts/pager';
import { RelativeTime } from '../parts/relative-time';
import { BulkActions } from './bulk-actions';
import { JobActions } from './job-actions';
import { bulkFilterOf, listApiPath } from './job-list-api';
import { JobFilterForm } from './job-filters';

const PAGE_SIZE = 20;

/** The time a list shows for its state: when jobs finished, started, or are due. */
function whenOf(state: ListState): { title: string; of: (job: ApiJobSummary) => string | null } {
  if (state === ALL_STATES) return { title: 'Created', of: (job) => job.createdAt };
  if (FINISHED_STATES.has(state)) return { title: 'Finished', of: (job) => job.finishedAt };
  if (state === 'processing') return { title: 'Started', of: (job) => job.startedAt };
  return { title: 'Due', of: (job) => job.dueAt };
}

/**
 * The last column: the error of a job that failed (or waits to retry), in red; progress;
 * for a job that succeeded after failed attempts, only how many it took: it succeeded.
 */
function JobNote({ job }: { job: ApiJobSummary }) {
  if (job.error !== null && job.state !== 'succeeded') {
    return (
      <span class="error-text">
        {job.error.name}: {job.error.message}
      </span>
    );
  }
  if (job.progress !== null) {
    return (
      <span>
        <progress max={100} value={job.progress.percent} aria-label={`Progress of job ${job.id}`} />{' '}
        {job.progress.percent}%
      </span>
    );
  }
  if (job.state === 'succeeded' && job.attempt > 1) {
    return <span class="muted">succeeded on attempt {job.attempt}</span>;
  }
  return null;
}

function headingOf(state: ListState) {
  return state === ALL_STATES ? 'All jobs' : `Jobs: ${state}`;
}

/** "21–40 of 1,234", "of 10,000+", or only the range when the count took too long. */
function rangeText(pageNumber: number, shown: number, total: ApiJobCount | null): string {
  const first = (pageNumber - 1) * PAGE_SIZE + 1;
  const range = shown === 0 ? 'None' : `${first}–${first + shown - 1}`;
  if (total === null) return range;
  return `${range} of ${total.count.toLocaleString('en')}${total.exact ? '' : '+'}`;
}

/**
 * Jobs in one state (or all), filtered, ordered and paged as the URL says; a selection and
 * actions on many jobs unless the dashboard is read-only.
 */
export function JobsPage({ state, query }: { state: ListState; query: JobListQuery }) {
  const { config } = useApp();
  const { data, error } = useResource<ApiJobPage>(listApiPath(state, query, PAGE_SIZE));
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const when = whenOf(state);
  const page = data;
  // A job that left the list (another page, deleted) is no longer selected.
  const listed = page?.items.map((job) => job.id) ?? [];
  const selectedIds = listed.filter((id) => selected.has(id));
  const toggle = (id: string, on: boolean) => {
    const next = new Set(selected);
    if (on) next.add(id);
    else next.delete(id);
    setSelected(next);
  };
  const columns: Column[] = [
    ...(config.readOnly ? [] : [{ title: 'Select', hidden: true }]),
    { title: 'Id' },
    { title: 'Type' },
    ...(state === ALL_STATES ? [{ title: 'State' }] : []),
    { title: 'Queue' },
    { title: when.title },
    { title: 'Attempts', numeric: true },
    { title: 'Progress or error', hidden: true },
    ...(config.readOnly ? [] : [{ title: 'Actions', hidden: true }]),
  ];
  const allOnPage = listed.length > 0 && selectedIds.length === listed.length;
  return (
    <PageFrame
      title={headingOf(state)}
      heading={
        state === ALL_STATES ? (
          'All jobs'
        ) : (
          <>
            Jobs <StateBadge state={state} />
          </>
        )
      }
      busy={data === undefined && error === undefined}
    >
      {!config.readOnly && (
        <div class="toolbar">
          <AppLink class="btn enqueue-link" href={hrefs.enqueue(config.base)}>
            Enqueue a job
          </AppLink>
        </div>
      )}
      <JobFilterForm state={state} query={query} />
      {query.filters.batch && (
        <p class="list-context" id="list-batch">
          Jobs of batch{' '}
          <AppLink class="mono" href={hrefs.batch(config.base, query.filters.batch)}>
            {query.filters.batch}
          </AppLink>
        </p>
      )}
      {!config.readOnly && (
        <BulkActions
          state={state}
          selected={selectedIds}
          filter={bulkFilterOf(state, query)}
          total={page?.total ?? null}
          onDone={() => setSelected(new Set())}
        />
      )}
      <p class="list-range muted" aria-live="polite">
        {page === undefined
          ? ''
          : `${state === ALL_STATES ? 'Jobs' : capitalized(state)} ${rangeText(query.pageNumber, page.items.length, page.total)}`}
      </p>
      {page === undefined ? (
        <LoadState error={error} />
      ) : page.items.length === 0 ? (
        <p class="empty">
          No {state === ALL_STATES ? '' : `${state} `}jobs
          {query.pageNumber > 1 ? ' on this page' : ''}.
        </p>
      ) : (
        <>
          {!config.readOnly && (
            <label class="select-all">
              <input
                type="checkbox"
                checked={allOnPage}
                onChange={(event) =>
                  setSelected(new Set(event.currentTarget.checked ? listed : []))
                }
              />{' '}
              Select {listed.length === 1 ? 'the job' : `all ${listed.length} jobs`} on this page
            </label>
          )}
          <DataTable label={state === ALL_STATES ? 'Jobs' : `${state} jobs`} columns={columns}>
            {page.items.map((job) => (
              <tr key={job.id} class="job-row" data-id={job.id}>
                {!config.readOnly && (
                  <td>
                    <input
                      type="checkbox"
                      class="select-job"
                      aria-label={`Select job ${job.id}`}
                      checked={selected.has(job.id)}
                      onChange={(event) => toggle(job.id, event.currentTarget.checked)}
                    />
                  </td>
                )}
                <td>
                  <AppLink class="mono" href={hrefs.job(config.base, job.id)}>
                    {job.id}
                  </AppLink>
                </td>
                <td>{job.type}</td>
                {state === ALL_STATES && (
                  <td>
                    <StateBadge state={job.state} />
                  </td>
                )}
                <td>{job.queue}</td>
                <td>
                  <RelativeTime iso={when.of(job)} />
                </td>
                <td class="num">
                  {job.attempt}
                  {job.maxAttempts ? ` / ${job.maxAttempts}` : ''}
                </td>
                <td>
                  <JobNote job={job} />
                </td>
                {!config.readOnly && (
                  <td class="actions">
                    <JobActions job={job} />
                  </td>
                )}
              </tr>
            ))}
          </DataTable>
        </>
      )}
      <Pager
        pageNumber={query.pageNumber}
        firstHref={hrefs.jobs(config.base, state, { ...query, cursor: '' })}
        nextHref={
          page?.nextCursor
            ? hrefs.jobs(config.base, state, {
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
