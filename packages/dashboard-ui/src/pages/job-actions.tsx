import { useApp } from '../app/app-context';
import { ActionButton } from '../parts/action-button';
import { FINISHED_STATES } from '../parts/job-states';

/**
 * Retry for a finished job, Delete for an unfinished one, and Run now for a scheduled one
 * (due later: it becomes due at once); nothing when read-only.
 */
export function JobActions({ job }: { job: { readonly id: string; readonly state: string } }) {
  const { config } = useApp();
  if (config.readOnly) return null;
  const path = `jobs/${encodeURIComponent(job.id)}`;
  if (FINISHED_STATES.has(job.state)) {
    return (
      <ActionButton
        label="Retry"
        name={`Retry job ${job.id}`}
        kind="retry"
        method="POST"
        path={`${path}/requeue`}
        done="Job requeued."
      />
    );
  }
  return (
    <>
      {job.state === 'scheduled' && (
        <ActionButton
          label="Run now"
          name={`Run now: job ${job.id}`}
          kind="retry run-now"
          method="POST"
          path={`${path}/run-now`}
          done="Job due now."
        />
      )}
      <ActionButton
        label="Delete"
        name={`Delete job ${job.id}`}
        kind="danger delete"
        method="DELETE"
        path={path}
        done="Job deleted."
        confirm={`Delete job ${job.id}?`}
      />
    </>
  );
}
