import type { ApiBatch } from '../../../../src/dashboard/api-batch-types';
import { useApp } from '../app/app-context';
import { hrefs } from '../app/routes';
import { AppLink } from '../parts/app-link';
import { BatchProgress, BatchStateBadge } from '../parts/batch-progress';
import { DataTable, type Column } from '../parts/data-table';
import { RelativeTime } from '../parts/relative-time';

const COLUMNS: readonly Column[] = [
  { title: 'Id' },
  { title: 'Description' },
  { title: 'State' },
  { title: 'Progress' },
  { title: 'Created' },
  { title: 'Finished' },
];

/** Batches in a table: each row's id links to its page, with its state and progress. */
export function BatchTable({ label, batches }: { label: string; batches: readonly ApiBatch[] }) {
  const { config } = useApp();
  return (
    <DataTable label={label} columns={COLUMNS}>
      {batches.map((batch) => (
        <tr key={batch.id} class="batch-row" data-batch={batch.id}>
          <td>
            <AppLink class="mono" href={hrefs.batch(config.base, batch.id)}>
              {batch.id}
            </AppLink>
          </td>
          <td class="description">{batch.description ?? <span class="muted">–</span>}</td>
          <td>
            <BatchStateBadge state={batch.state} />
          </td>
          <td>
            <BatchProgress batch={batch} />
          </td>
          <td>
            <RelativeTime iso={batch.createdAt} />
          </td>
          <td>
            <RelativeTime iso={batch.finishedAt} />
          </td>
        </tr>
      ))}
    </DataTable>
  );
}
