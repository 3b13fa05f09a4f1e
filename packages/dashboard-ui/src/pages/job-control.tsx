import type { ApiJobDetail } from '../../../../src/dashboard/api-types';
import { DataTable } from '../parts/data-table';
import { RelativeTime } from '../parts/relative-time';

/**
 * The checkpoint the job's handlers saved, which its next attempt resumes from, as JSON
 * text like the payload; nothing when there is none.
 */
export function CheckpointPanel({ job }: { job: ApiJobDetail }) {
  const { checkpoint } = job;
  if (checkpoint === undefined) return null;
  return (
    <section class="panel" id="job-checkpoint">
      <h2>Checkpoint</h2>
      <p class="muted">
        Saved by attempt {checkpoint.attempt} <RelativeTime iso={checkpoint.at} />; the next attempt
        resumes from it.
      </p>
      <pre id="job-checkpoint-data">{JSON.stringify(checkpoint.data, null, 2)}</pre>
    </section>
  );
}

const COLUMNS = [
  { title: 'Snoozed' },
  { title: 'Until' },
  { title: 'Attempt', numeric: true },
  { title: 'Reason' },
];

/**
 * The times the job's handlers snoozed it, newest first (the last 20 of `snoozeCount`);
 * nothing when it never snoozed.
 */
export function SnoozesPanel({ job }: { job: ApiJobDetail }) {
  if (job.snoozeCount === 0 && job.snoozes.length === 0) return null;
  const shown = job.snoozes.length;
  return (
    <section class="panel" id="job-snoozes">
      <h2>Snoozes</h2>
      <p class="muted">
        Snoozed {job.snoozeCount} {job.snoozeCount === 1 ? 'time' : 'times'}
        {shown < job.snoozeCount ? `; the last ${shown} are listed` : ''}. A snooze does not spend
        an attempt.
      </p>
      <DataTable label="Snoozes" columns={COLUMNS}>
        {[...job.snoozes].reverse().map((snooze, index) => (
          <tr key={`${snooze.at}-${index}`}>
            <td>
              <RelativeTime iso={snooze.at} />
            </td>
            <td>
              <RelativeTime iso={snooze.until} />
            </td>
            <td class="num">{snooze.attempt}</td>
            <td class="reason">{snooze.reason ?? ''}</td>
          </tr>
        ))}
      </DataTable>
    </section>
  );
}
