import type { ComponentChildren } from 'preact';
import type { ApiJobDetail } from '../../../../src/dashboard/api-types';
import { useApp } from '../app/app-context';
import { hrefs } from '../app/routes';
import { ALL_STATES } from '../../../../src/dashboard/ui-pages';
import { LoadState, PageFrame } from '../layout/page-frame';
import { useResource } from '../live/use-resource';
import { AppLink } from '../parts/app-link';
import { StateBadge } from '../parts/badge';
import { duration } from '../parts/format';
import { RelativeTime } from '../parts/relative-time';
import { JobActions } from './job-actions';
import { JobLog } from './job-log';
import { ArtefactsPanel, ResultPanels } from './job-output';
import { CheckpointPanel, SnoozesPanel } from './job-control';

function facts(job: ApiJobDetail, base: string): [string, ComponentChildren][] {
  const time = (iso: string | null) => <RelativeTime iso={iso} />;
  const list: [string, ComponentChildren][] = [
    ['State', <StateBadge state={job.state} />],
    ['Type', job.type],
    ['Queue', job.queue],
    ['Priority', job.priority],
    ['Attempts', `${job.attempt}${job.maxAttempts ? ` of ${job.maxAttempts}` : ''}`],
    ...(job.snoozeCount > 0 ? [['Snoozes', job.snoozeCount] as [string, ComponentChildren]] : []),
    ['Created', time(job.createdAt)],
    ['Due', time(job.dueAt)],
    ['Started', time(job.startedAt)],
    ['Finished', time(job.finishedAt)],
    ['Duration', duration(job.durationMs)],
  ];
  if (job.leaseOwner) list.push(['Server', job.leaseOwner]);
  if (job.uniqueKey) list.push(['Unique key', job.uniqueKey]);
  if (job.concurrencyKey) {
    const { key, limit, order } = job.concurrencyKey;
    list.push([
      'Concurrency key',
      `${key} (${limit === 1 ? 'one at a time' : `up to ${limit} at once`}${order === 'fifo' ? ', in enqueue order' : ''})`,
    ]);
  }
  if (job.tags) {
    list.push([
      'Tags',
      <span class="job-tags">
        {job.tags.map((tag) => (
          <AppLink key={tag} class="tag" href={hrefs.jobs(base, ALL_STATES, { filters: { tag } })}>
            {tag}
          </AppLink>
        ))}
      </span>,
    ]);
  }
  if (job.startWithinMs !== undefined) {
    const startBy = new Date(Date.parse(job.dueAt) + job.startWithinMs).toISOString();
    list.push([
      'Must start within',
      <span id="job-start-within">
        {duration(job.startWithinMs)} of due, by <RelativeTime iso={startBy} />; later, it expires
      </span>,
    ]);
  }
  if (job.parentId) {
    list.push([
      'Continues',
      <AppLink class="mono" href={hrefs.job(base, job.parentId)}>
        {job.parentId}
      </AppLink>,
    ]);
  }
  if (job.batchId) {
    list.push([
      'Batch',
      <AppLink class="mono" id="job-batch" href={hrefs.batch(base, job.batchId)}>
        {job.batchId}
      </AppLink>,
    ]);
  }
  if (job.awaitsBatch) {
    list.push([
      job.batchCondition === 'finished' ? 'Runs when batch ends' : 'Runs if batch succeeds',
      <AppLink class="mono" id="job-awaits-batch" href={hrefs.batch(base, job.awaitsBatch)}>
        {job.awaitsBatch}
      </AppLink>,
    ]);
  }
  if (job.expireAt) list.push(['Kept until', time(job.expireAt)]);
  // Kept until redriven or deleted: retention leaves dead letters alone.
  if (job.deadLetteredAt) list.push(['Dead-lettered', time(job.deadLetteredAt)]);
  // What filters stored with the job at enqueue (a trace context, a tenant...).
  for (const [key, value] of Object.entries(job.metadata ?? {})) {
    list.push([key, <span class="mono">{value}</span>]);
  }
  return list;
}

/**
 * The job's error. A job that succeeded keeps the error of its last failed attempt: shown
 * muted, as history, not as a failure.
 */
function ErrorPanel({ job }: { job: ApiJobDetail }) {
  const { error } = job;
  if (error === null) return null;
  if (job.state === 'succeeded') {
    return (
      <section class="panel" id="earlier-error">
        <h2>An earlier attempt failed</h2>
        <p class="muted">
          {error.name}: {error.message}
        </p>
        {error.stack && (
          <details>
            <summary>Stack of that attempt</summary>
            <pre class="stack earlier">{error.stack}</pre>
          </details>
        )}
      </section>
    );
  }
  return (
    <section class="panel error-panel">
      <h2>Error</h2>
      <p class="error-text" id="job-error">
        {error.name}: {error.message}
      </p>
      {error.stack && <pre class="stack">{error.stack}</pre>}
    </section>
  );
}

function JobDetail({ job }: { job: ApiJobDetail }) {
  const { config } = useApp();
  return (
    <>
      {!config.readOnly && (
        <div class="toolbar">
          <JobActions job={job} />
        </div>
      )}
      <dl class="facts" id="job-facts">
        {facts(job, config.base).map(([term, value]) => (
          <div key={term}>
            <dt>{term}</dt>
            <dd id={term === 'State' ? 'job-state' : undefined}>{value}</dd>
          </div>
        ))}
      </dl>
      {job.progress && (
        <section class="panel">
          <h2>Progress</h2>
          <progress class="wide" max={100} value={job.progress.percent} id="job-progress" />
          <p>
            {job.progress.percent}% {job.progress.message ?? ''}
          </p>
        </section>
      )}
      <ErrorPanel job={job} />
      <CheckpointPanel job={job} />
      <SnoozesPanel job={job} />
      <ResultPanels job={job} />
      <section class="panel">
        <h2>Payload</h2>
        <pre id="job-payload">{JSON.stringify(job.payload, null, 2)}</pre>
      </section>
      <JobLog job={job} />
      <ArtefactsPanel job={job} />
      <section class="panel">
        <h2>History</h2>
        <ol class="timeline">
          {[...job.history].reverse().map((entry, index) => (
            <li key={`${entry.at}-${index}`}>
              <StateBadge state={entry.state} />{' '}
              <time dateTime={entry.at}>{new Date(entry.at).toLocaleString()}</time>
              {entry.reason && <span class="reason">{entry.reason}</span>}
              {entry.serverId && <span class="muted"> on {entry.serverId}</span>}
            </li>
          ))}
        </ol>
      </section>
    </>
  );
}

/**
 * One job in full: facts, progress, error, checkpoint, snoozes, result, payload, log,
 * artefacts and history; Retry or Delete.
 */
export function JobPage({ id }: { id: string }) {
  const { data: job, error } = useResource<ApiJobDetail>(`jobs/${encodeURIComponent(id)}`);
  const gone = error?.status === 404;
  return (
    <PageFrame
      title={`Job ${id}`}
      heading={
        <>
          Job <span class="mono">{id}</span>
        </>
      }
      busy={job === undefined && error === undefined}
    >
      {gone ? (
        <p class="empty">This job does not exist (or retention removed it).</p>
      ) : job === undefined ? (
        <LoadState error={error} />
      ) : (
        <JobDetail job={job} />
      )}
    </PageFrame>
  );
}
