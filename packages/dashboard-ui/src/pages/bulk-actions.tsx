import { useState } from 'preact/hooks';
import type {
  ApiBulkAction,
  ApiBulkRequest,
  ApiBulkResult,
  ApiJobFilter,
} from '../../../../src/dashboard/api-search-types';
import type { ApiJobCount } from '../../../../src/dashboard/api-types';
import { ALL_STATES } from '../../../../src/dashboard/ui-pages';
import { useApp } from '../app/app-context';
import { useAction } from '../parts/action-button';
import type { ListState } from '../app/routes';
import { ConfirmDialog } from '../parts/confirm-dialog';
import { FINISHED_STATES } from '../parts/job-states';

const LABELS: Record<ApiBulkAction, string> = {
  retry: 'Retry',
  requeue: 'Requeue',
  delete: 'Delete',
  redrive: 'Redrive',
  purge: 'Purge',
};

/** Actions shown as dangerous, and confirmed as such. */
const DESTRUCTIVE: ReadonlySet<ApiBulkAction> = new Set(['delete', 'purge']);

const WHAT_APPLIES: Record<ApiBulkAction, string> = {
  retry: 'Failed jobs run again.',
  requeue: 'Finished and scheduled jobs become due now.',
  delete: 'Jobs not yet deleted are deleted.',
  redrive: 'Dead-lettered jobs leave the dead-letter queue and run again with fresh attempts.',
  purge: 'Finished jobs are removed for good: they cannot be requeued.',
};

/**
 * The actions that apply to jobs in `state` (all of them for the list of all states); the
 * dead-letter queue (`deadLettered`) is redriven rather than retried.
 */
function actionsFor(state: ListState, deadLettered: boolean): ApiBulkAction[] {
  if (state === ALL_STATES) return ['retry', 'requeue', 'delete', 'redrive', 'purge'];
  const actions: ApiBulkAction[] = [];
  if (state === 'failed') actions.push(deadLettered ? 'redrive' : 'retry');
  if (FINISHED_STATES.has(state) || state === 'scheduled') actions.push('requeue');
  if (state !== 'deleted') actions.push('delete');
  if (FINISHED_STATES.has(state)) actions.push('purge');
  return actions;
}

/** "37 jobs", "10,000+ jobs", "the jobs" (when the count timed out). */
function howMany(total: ApiJobCount | null): string {
  if (total === null) return 'all matching jobs';
  const n = total.count.toLocaleString('en');
  return `${n}${total.exact ? '' : '+'} job${total.count === 1 && total.exact ? '' : 's'}`;
}

function resultText(result: ApiBulkResult): string {
  const parts = [`${LABELS[result.action]}: ${result.changed} of ${result.matched} changed`];
  const skipped = result.matched - result.changed - result.conflicts;
  if (result.conflicts > 0) parts.push(`${result.conflicts} left (their unique key is held)`);
  if (skipped > 0) parts.push(`${skipped} changed state meanwhile`);
  return `${parts.join('; ')}.`;
}

interface Pending {
  readonly action: ApiBulkAction;
  readonly request: ApiBulkRequest;
  readonly what: string;
}

/**
 * Actions on many jobs: on those selected in the list, or on every job the list's filters
 * match (all pages), confirmed first with the count; done by the server in batches, the
 * result counts said in the flash line.
 */
export function BulkActions({
  state,
  selected,
  filter,
  total,
  onDone,
}: {
  state: ListState;
  selected: readonly string[];
  /** The list's filter; null when it has no condition (a filtered-set action is refused). */
  filter: ApiJobFilter | null;
  total: ApiJobCount | null;
  onDone: () => void;
}) {
  const { api } = useApp();
  const [pending, setPending] = useState<Pending | null>(null);
  const { busy, run: act } = useAction();
  // The list shows the dead-letter queue when its filter keeps only dead letters.
  const actions = actionsFor(state, filter?.deadLettered === true);
  const run = ({ request }: Pending) => {
    setPending(null);
    return act(async () => {
      const result = (await api.act('POST', 'jobs/bulk', request)) as ApiBulkResult;
      onDone();
      return resultText(result);
    });
  };
  const button = (action: ApiBulkAction, scope: 'selected' | 'all') => {
    const count = scope === 'selected' ? selected.length : null;
    const disabled = busy || (scope === 'selected' ? count === 0 : filter === null);
    const label =
      scope === 'selected' ? `${LABELS[action]} selected (${count})` : `${LABELS[action]} all`;
    return (
      <button
        key={`${action}-${scope}`}
        type="button"
        class={`btn small bulk-${action}-${scope}${DESTRUCTIVE.has(action) ? ' danger' : ''}`}
        disabled={disabled}
        onClick={() =>
          setPending(
            scope === 'selected'
              ? {
                  action,
                  request: { action, ids: [...selected] },
                  what: `${count} selected job${count === 1 ? '' : 's'}`,
                }
              : { action, request: { action, filter: filter! }, what: howMany(total) },
          )
        }
      >
        {label}
      </button>
    );
  };
  return (
    <div class="bulk-actions" role="group" aria-label="Actions on many jobs">
      <span class="bulk-scope">Selected:</span>
      {actions.map((action) => button(action, 'selected'))}
      <span class="bulk-scope">
        Every job matching the filters{total === null ? '' : ` (${howMany(total)})`}:
      </span>
      {actions.map((action) => button(action, 'all'))}
      {pending !== null && (
        <ConfirmDialog
          title={`${LABELS[pending.action]} ${pending.what}?`}
          confirmLabel={`${LABELS[pending.action]} ${pending.what}`}
          danger={DESTRUCTIVE.has(pending.action)}
          onConfirm={() => void run(pending)}
          onCancel={() => setPending(null)}
        >
          <p>
            {WHAT_APPLIES[pending.action]}{' '}
            {'filter' in pending.request && pending.request.filter !== undefined
              ? 'Every job the filters match is included, on every page, as it is when the server reads it.'
              : 'Jobs that changed state since the list was shown are left as they are.'}
          </p>
        </ConfirmDialog>
      )}
    </div>
  );
}
