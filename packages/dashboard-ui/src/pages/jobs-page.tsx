import { useRef, useState } from 'preact/hooks';
import type { ApiJobPage, ApiJobState, ApiJobSummary } from '../../../../src/dashboard/api-types';
import { useApp } from '../app/app-context';
import { hrefs, type JobFilters } from '../app/routes';
import { LoadState, PageFrame } from '../layout/page-frame';
import { useResource } from '../live/use-resource';
import { AppLink } from '../parts/app-link';
import { StateBadge } from '../parts/badge';
import { DataTable, type Column } from '../parts/data-table';
import { FINISHED_STATES } from '../parts/job-states';
import { RelativeTime } from '../parts/relative-time';
import { JobActions } from './job-actions';
import { JobFilterForm } from './job-filters';

const PAGE_SIZE = 20;

/** The time a list shows for its state: when jobs finished, started, or are due. */
function whenOf(state: ApiJobState): { title: string; of: (job: ApiJobSummary) => string | null } {
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

function listPath(state: ApiJobState, filters: JobFilters, cursor: string | null): string {
  const query = new URLSearchParams({ state, limit: String(PAGE_SIZE) });
  for (const [name, value] of Object.entries(filters)) if (value) query.set(name, value);
  if (cursor !== null) query.set('cursor', cursor);
  return `jobs?${query.toString()}`;
}

/** Jobs in one state, newest or soonest first, filtered and paged by cursor. */
export function JobsPage({ state, filters }: { state: ApiJobState; filters: JobFilters }) {
  const { config } = useApp();
  const [cursors, setCursors] = useState<readonly (string | null)[]>([null]);
  const { data, error } = useResource<ApiJobPage>(
    listPath(state, filters, cursors[cursors.length - 1]),
  );
  // While the next page loads, the current one stays on screen.
  const shown = useRef<ApiJobPage | undefined>(undefined);
  if (data !== undefined) shown.current = data;
  const page = data ?? shown.current;
  const when = whenOf(state);
  const columns: Column[] = [
    { title: 'Id' },
    { title: 'Type' },
    { title: 'Queue' },
    { title: when.title },
    { title: 'Attempts', numeric: true },
    { title: 'Progress or error', hidden: true },
    ...(config.readOnly ? [] : [{ title: 'Actions', hidden: true }]),
  ];
  return (
    <PageFrame
      title={`Jobs: ${state}`}
      heading={
        <>
          Jobs <StateBadge state={state} />
        </>
      }
      busy={data === undefined && error === undefined}
    >
      <JobFilterForm state={state} filters={filters} />
      {page === undefined ? (
        <LoadState error={error} />
      ) : page.items.length === 0 ? (
        <p class="empty">No {state} jobs.</p>
      ) : (
        <DataTable label={`${state} jobs`} columns={columns}>
          {page.items.map((job) => (
            <tr key={job.id} class="job-row" data-id={job.id}>
              <td>
                <AppLink class="mono" href={hrefs.job(config.base, job.id)}>
                  {job.id}
                </AppLink>
              </td>
              <td>{job.type}</td>
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
      )}
      <nav class="pager" aria-label="Pages of the list">
        <button
          type="button"
          class="btn small previous"
          disabled={cursors.length === 1}
          onClick={() => setCursors(cursors.slice(0, -1))}
        >
          ← Previous
        </button>
        <span class="muted">Page {cursors.length}</span>
        <button
          type="button"
          class="btn small next"
          disabled={!page?.nextCursor}
          onClick={() => page?.nextCursor && setCursors([...cursors, page.nextCursor])}
        >
          Next →
        </button>
      </nav>
    </PageFrame>
  );
}
