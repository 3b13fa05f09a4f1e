import type { ApiQueue } from '../../../../src/dashboard/api-types';
import { LoadState, PageFrame } from '../layout/page-frame';
import { useResource } from '../live/use-resource';
import { QueueTable } from '../parts/queue-table';

/** Every queue: counts of unfinished jobs, paused or active, pause and resume. */
export function QueuesPage() {
  const { data: queues, error } = useResource<readonly ApiQueue[]>('queues');
  return (
    <PageFrame title="Queues" busy={queues === undefined && error === undefined}>
      {queues === undefined ? (
        <LoadState error={error} />
      ) : (
        <QueueTable queues={queues} withActions />
      )}
    </PageFrame>
  );
}
