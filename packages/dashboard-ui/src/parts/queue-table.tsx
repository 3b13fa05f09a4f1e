import type { ApiQueue } from '../../../../src/dashboard/api-types';
import { useApp } from '../app/app-context';
import { hrefs } from '../app/routes';
import { ActionButton } from './action-button';
import { AppLink } from './app-link';
import { Badge } from './badge';
import { DataTable, type Column } from './data-table';

const COUNTED = ['enqueued', 'scheduled', 'processing', 'awaiting'] as const;

/** Queues with their counts of unfinished jobs; on the queues page, with pause, resume and drain. */
export function QueueTable({
  queues,
  withActions,
}: {
  queues: readonly ApiQueue[];
  withActions: boolean;
}) {
  const { config } = useApp();
  if (queues.length === 0) return <p class="empty">No queues.</p>;
  const actions = withActions && !config.readOnly;
  const columns: Column[] = [
    { title: 'Queue' },
    { title: 'Status' },
    ...COUNTED.map((state) => ({ title: state, numeric: true })),
    ...(actions ? [{ title: 'Actions', hidden: true }] : []),
  ];
  return (
    <DataTable label="Queues" columns={columns}>
      {queues.map((queue) => {
        const path = `queues/${encodeURIComponent(queue.name)}`;
        return (
          <tr key={queue.name} data-queue={queue.name}>
            <td>
              <AppLink
                href={hrefs.jobs(config.base, 'enqueued', { filters: { queue: queue.name } })}
              >
                {queue.name}
              </AppLink>
            </td>
            <td>
              <Badge kind={queue.paused ? 'paused' : 'active'}>
                {queue.paused ? 'paused' : 'active'}
              </Badge>
            </td>
            {COUNTED.map((state) => (
              <td key={state} class="num">
                {queue.counts[state] ?? 0}
              </td>
            ))}
            {actions && (
              <td class="actions">
                {queue.paused ? (
                  <ActionButton
                    label="Resume"
                    name={`Resume queue ${queue.name}`}
                    kind="resume"
                    method="POST"
                    path={`${path}/resume`}
                    done="Queue resumed."
                  />
                ) : (
                  <ActionButton
                    label="Pause"
                    name={`Pause queue ${queue.name}`}
                    kind="pause"
                    method="POST"
                    path={`${path}/pause`}
                    done="Queue paused."
                  />
                )}
                <ActionButton
                  label="Drain"
                  name={`Drain queue ${queue.name}`}
                  kind="danger drain"
                  method="POST"
                  path={`${path}/drain`}
                  done="Queue drained: its enqueued jobs are deleted."
                  confirm={`Delete every enqueued job of ${queue.name}? Running and scheduled jobs stay.`}
                />
              </td>
            )}
          </tr>
        );
      })}
    </DataTable>
  );
}
