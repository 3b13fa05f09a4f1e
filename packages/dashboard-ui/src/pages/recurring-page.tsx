import type { ApiRecurringJob } from '../../../../src/dashboard/api-types';
import { useApp } from '../app/app-context';
import { hrefs } from '../app/routes';
import { LoadState, PageFrame } from '../layout/page-frame';
import { useResource } from '../live/use-resource';
import { ActionButton } from '../parts/action-button';
import { AppLink } from '../parts/app-link';
import { Badge } from '../parts/badge';
import { DataTable, type Column } from '../parts/data-table';
import { RelativeTime } from '../parts/relative-time';

function RecurringActions({ job }: { job: ApiRecurringJob }) {
  const path = `recurring/${encodeURIComponent(job.id)}`;
  const { config } = useApp();
  return (
    <>
      <AppLink
        class="btn edit"
        aria-label={`Edit ${job.id}`}
        href={hrefs.recurringForm(config.base, job.id)}
      >
        Edit
      </AppLink>
      <ActionButton
        label="Trigger now"
        name={`Trigger now: ${job.id}`}
        kind="trigger"
        method="POST"
        path={`${path}/trigger`}
        done="Job enqueued."
      />
      {job.paused ? (
        <ActionButton
          label="Resume"
          name={`Resume ${job.id}`}
          kind="resume"
          method="POST"
          path={`${path}/resume`}
          done="Recurring job resumed."
        />
      ) : (
        <ActionButton
          label="Pause"
          name={`Pause ${job.id}`}
          kind="pause"
          method="POST"
          path={`${path}/pause`}
          done="Recurring job paused."
        />
      )}
      <ActionButton
        label="Remove"
        name={`Remove ${job.id}`}
        kind="danger remove"
        method="DELETE"
        path={path}
        done="Recurring job removed."
        confirm={`Remove recurring job ${job.id}?`}
      />
    </>
  );
}

/** `every 90 s`, `every 5 min`, `every 36 h`: an interval in the largest unit that divides it. */
function describeInterval(everyMs: number): string {
  const units: Array<[number, string]> = [
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'min'],
    [1_000, 's'],
  ];
  const [size, unit] = units.find(([ms]) => everyMs % ms === 0) ?? [1, 'ms'];
  return `every ${everyMs / size} ${unit}`;
}

/** The schedule's shape: cron or interval, its window and its remaining runs. */
function ScheduleCell({ job }: { job: ApiRecurringJob }) {
  return (
    <>
      <span class="mono">{job.cron ?? describeInterval(job.everyMs ?? 0)}</span>
      {job.cron !== null && job.timeZone !== 'UTC' && <small> ({job.timeZone})</small>}
      {(job.startAt !== null || job.endAt !== null) && (
        <small class="window">
          <br />
          {job.startAt !== null && <>from {job.startAt} </>}
          {job.endAt !== null && <>until {job.endAt}</>}
        </small>
      )}
      {job.repeatLimit !== null && (
        <small class="repeats">
          <br />
          {job.remainingRuns} of {job.repeatLimit} runs left
        </small>
      )}
    </>
  );
}

/** What happens to overlapping and missed occurrences, and the skips so far. */
function PolicyCell({ job }: { job: ApiRecurringJob }) {
  return (
    <>
      overlap {job.overlap}, missed {job.missedRunPolicy}
      {job.waiting && (
        <>
          {' '}
          <Badge kind="waiting">waiting</Badge>
        </>
      )}
      {job.skippedCount > 0 && (
        <small class="skipped">
          <br />
          {job.skippedCount} skipped, last <RelativeTime iso={job.lastSkippedAt} />
        </small>
      )}
    </>
  );
}

/**
 * Recurring jobs: schedule (cron or interval, window, remaining runs), policies and skips,
 * next and last run; create, edit, trigger, pause, resume, remove.
 */
export function RecurringPage() {
  const { config } = useApp();
  const { data: jobs, error } = useResource<readonly ApiRecurringJob[]>('recurring');
  const columns: Column[] = [
    { title: 'Id' },
    { title: 'Job type' },
    { title: 'Schedule' },
    { title: 'Policy' },
    { title: 'Queue' },
    { title: 'Next run' },
    { title: 'Last run' },
    ...(config.readOnly ? [] : [{ title: 'Actions', hidden: true }]),
  ];
  return (
    <PageFrame title="Recurring jobs" busy={jobs === undefined && error === undefined}>
      {!config.readOnly && (
        <div class="toolbar">
          <AppLink class="btn new-recurring" href={hrefs.recurringForm(config.base, null)}>
            New recurring job
          </AppLink>
        </div>
      )}
      {jobs === undefined ? (
        <LoadState error={error} />
      ) : jobs.length === 0 ? (
        <p class="empty">No recurring jobs.</p>
      ) : (
        <DataTable label="Recurring jobs" columns={columns}>
          {jobs.map((job) => (
            <tr key={job.id} data-recurring={job.id}>
              <td class="mono">{job.id}</td>
              <td>{job.jobType}</td>
              <td>
                <ScheduleCell job={job} />
              </td>
              <td>
                <PolicyCell job={job} />
              </td>
              <td>{job.queue}</td>
              <td>
                {job.paused ? (
                  <Badge kind="paused">paused</Badge>
                ) : job.ended ? (
                  <Badge kind="ended">ended</Badge>
                ) : (
                  <RelativeTime iso={job.nextRunAt} />
                )}
              </td>
              <td>
                {job.lastJobId ? (
                  <AppLink href={hrefs.job(config.base, job.lastJobId)}>
                    <RelativeTime iso={job.lastRunAt} />
                  </AppLink>
                ) : (
                  <RelativeTime iso={null} />
                )}
              </td>
              {!config.readOnly && (
                <td class="actions">
                  <RecurringActions job={job} />
                </td>
              )}
            </tr>
          ))}
        </DataTable>
      )}
    </PageFrame>
  );
}
