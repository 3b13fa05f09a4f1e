import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import type {
  ApiBatch,
  ApiBatchCancelResult,
  ApiBatchPage,
} from '../../../../src/dashboard/api-batch-types';
import { useApp } from '../app/app-context';
import { hrefs } from '../app/routes';
import { LoadState, PageFrame } from '../layout/page-frame';
import { useResource } from '../live/use-resource';
import { useAction } from '../parts/action-button';
import { AppLink } from '../parts/app-link';
import { BatchProgress, BatchStateBadge } from '../parts/batch-progress';
import { ConfirmDialog } from '../parts/confirm-dialog';
import { RelativeTime } from '../parts/relative-time';
import { batchesApiPath } from './batch-list-api';
import { BatchTable } from './batch-table';

/** The states of a batch that has not ended: it can be cancelled. */
const OPEN_STATES: ReadonlySet<string> = new Set(['creating', 'started']);

/** Nested batches shown on a batch's page; more are listed on the batches page. */
const NESTED_SHOWN = 20;

function facts(batch: ApiBatch, base: string): [string, ComponentChildren][] {
  const time = (iso: string | null) => <RelativeTime iso={iso} />;
  const list: [string, ComponentChildren][] = [
    ['State', <BatchStateBadge state={batch.state} />],
    ['Description', batch.description ?? <span class="muted">–</span>],
    ['Items', `${batch.total} (jobs and nested batches)`],
    ['Created', time(batch.createdAt)],
    ['Started', time(batch.startedAt)],
    ['Finished', time(batch.finishedAt)],
  ];
  if (batch.parentBatchId !== null) {
    list.push([
      'Nested in',
      <AppLink class="mono" href={hrefs.batch(base, batch.parentBatchId)}>
        {batch.parentBatchId}
      </AppLink>,
    ]);
  }
  return list;
}

/** What became of a batch's continuations, by its state. */
function continuationsText(batch: ApiBatch): string {
  const n = batch.continuations;
  const they = n === 1 ? '1 continuation' : `${n} continuations`;
  if (n === 0) return 'No continuation waits for this batch.';
  if (batch.state === 'cancelled') return `${they}: deleted with the batch.`;
  if (OPEN_STATES.has(batch.state)) {
    return `${they} wait${n === 1 ? 's' : ''} for this batch to end (state awaiting).`;
  }
  return `${they}: released when the batch ended (those for a success only were deleted if it did not succeed).`;
}

/**
 * Cancel, confirmed in a dialog first: the batch's unfinished jobs and those of the batches
 * nested in it are deleted, and its continuations.
 */
function CancelBatch({ batch }: { batch: ApiBatch }) {
  const { api } = useApp();
  const [asking, setAsking] = useState(false);
  const { busy, run } = useAction();
  const cancel = () => {
    setAsking(false);
    void run(async () => {
      const path = `batches/${encodeURIComponent(batch.id)}/cancel`;
      const result = (await api.act('POST', path)) as ApiBatchCancelResult;
      return result.cancelled ? 'Batch cancelled.' : 'The batch had ended already.';
    });
  };
  return (
    <>
      <button
        type="button"
        class="btn danger cancel-batch"
        aria-disabled={busy ? 'true' : undefined}
        onClick={() => !busy && setAsking(true)}
      >
        Cancel batch
      </button>
      {asking && (
        <ConfirmDialog
          title={`Cancel batch ${batch.id}?`}
          confirmLabel="Cancel the batch"
          dismissLabel="Keep it"
          danger
          onConfirm={cancel}
          onCancel={() => setAsking(false)}
        >
          <p>
            {batch.pending === 1 ? '1 item has' : `${batch.pending} items have`} not ended.
            Cancelling deletes the unfinished jobs (running ones are aborted), here and in the
            batches nested in it, and the continuations. Jobs that ended stay as they are.
          </p>
        </ConfirmDialog>
      )}
    </>
  );
}

function NestedBatches({ batch }: { batch: ApiBatch }) {
  const { config } = useApp();
  const query = { state: '', parent: batch.id, cursor: '', pageNumber: 1 } as const;
  const { data, error } = useResource<ApiBatchPage>(batchesApiPath(query, NESTED_SHOWN));
  return (
    <section class="panel">
      <h2>Nested batches</h2>
      {data === undefined ? (
        <LoadState error={error} />
      ) : data.items.length === 0 ? (
        <p class="muted">None.</p>
      ) : (
        <>
          <BatchTable label="Nested batches" batches={data.items} />
          {data.nextCursor !== null && (
            <p>
              <AppLink href={hrefs.batches(config.base, { parent: batch.id })}>
                Every batch nested in it
              </AppLink>
            </p>
          )}
        </>
      )}
    </section>
  );
}

function BatchDetail({ batch }: { batch: ApiBatch }) {
  const { config } = useApp();
  const { base } = config;
  return (
    <>
      {!config.readOnly && OPEN_STATES.has(batch.state) && (
        <div class="toolbar">
          <CancelBatch batch={batch} />
        </div>
      )}
      <dl class="facts" id="batch-facts">
        {facts(batch, base).map(([term, value]) => (
          <div key={term}>
            <dt>{term}</dt>
            <dd id={term === 'State' ? 'batch-state' : undefined}>{value}</dd>
          </div>
        ))}
      </dl>
      <section class="panel">
        <h2>Progress</h2>
        <BatchProgress batch={batch} />
      </section>
      <section class="panel">
        <h2>Jobs</h2>
        <p>
          <AppLink
            class="btn batch-jobs"
            href={hrefs.jobs(base, 'all', { filters: { batch: batch.id } })}
          >
            List the jobs of this batch
          </AppLink>
        </p>
        <p class="muted">The jobs of nested batches are listed from their own pages.</p>
      </section>
      <NestedBatches batch={batch} />
      <section class="panel">
        <h2>Continuations</h2>
        <p id="batch-continuations">{continuationsText(batch)}</p>
      </section>
    </>
  );
}

/**
 * One batch: its facts, progress, jobs, nested batches and continuations; Cancel while it
 * has not ended.
 */
export function BatchPage({ id }: { id: string }) {
  const { data: batch, error } = useResource<ApiBatch>(`batches/${encodeURIComponent(id)}`);
  const gone = error?.status === 404;
  return (
    <PageFrame
      title={`Batch ${id}`}
      heading={
        <>
          Batch <span class="mono">{id}</span>
        </>
      }
      busy={batch === undefined && error === undefined}
    >
      {gone ? (
        <p class="empty">This batch does not exist (or retention removed it).</p>
      ) : batch === undefined ? (
        <LoadState error={error} />
      ) : (
        <BatchDetail batch={batch} />
      )}
    </PageFrame>
  );
}
