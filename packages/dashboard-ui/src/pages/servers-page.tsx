import type { ApiPickupMode, ApiServer } from '../../../../src/dashboard/api-types';
import { LoadState, PageFrame } from '../layout/page-frame';
import { useResource } from '../live/use-resource';
import { Badge } from '../parts/badge';
import { DataTable } from '../parts/data-table';
import { RelativeTime } from '../parts/relative-time';

const PICKUP_TITLES: Record<ApiPickupMode, string> = {
  'change-stream': 'new work reaches it at once through a change stream',
  notifications: 'new work reaches it at once through the notices collection (standalone server)',
  polling: 'it finds new work at its next poll: no push channel, or the channel is down',
};

const COLUMNS = [
  { title: 'Id' },
  { title: 'Status' },
  { title: 'Host' },
  { title: 'Pid', numeric: true },
  { title: 'Queues' },
  { title: 'Job types' },
  { title: 'Running', numeric: true },
  { title: 'Pickup' },
  { title: 'Heartbeat' },
  { title: 'Started' },
];

function Pickup({ mode }: { mode: ApiPickupMode | null }) {
  if (mode === null) return <>not recorded</>;
  return (
    <Badge kind={mode === 'polling' ? 'paused' : 'active'} title={PICKUP_TITLES[mode]}>
      {mode === 'polling' ? 'polling' : `push: ${mode}`}
    </Badge>
  );
}

/** Every server sharing the database: alive or silent, load, and how it hears of work. */
export function ServersPage() {
  const { data: servers, error } = useResource<readonly ApiServer[]>('servers');
  return (
    <PageFrame title="Servers" busy={servers === undefined && error === undefined}>
      {servers === undefined ? (
        <LoadState error={error} />
      ) : servers.length === 0 ? (
        <p class="empty">No servers.</p>
      ) : (
        <DataTable label="Servers" columns={COLUMNS}>
          {servers.map((server) => (
            <tr key={server.id} data-server={server.id}>
              <td class="mono">{server.id}</td>
              <td>
                <Badge kind={server.alive ? 'active' : 'paused'}>
                  {server.alive ? 'alive' : 'silent'}
                </Badge>
              </td>
              <td>{server.hostname}</td>
              <td class="num">{server.pid}</td>
              <td>{server.queues.join(', ')}</td>
              <td>{server.jobTypes ? server.jobTypes.join(', ') : 'not recorded'}</td>
              <td class="num">
                {server.running} / {server.concurrency}
                {server.overrunning > 0 && ' '}
                {server.overrunning > 0 && (
                  <span
                    class="badge state-failed"
                    data-overrunning={server.overrunning}
                    title="past their timeout, still holding their slots"
                  >
                    {server.overrunning} overrunning
                  </span>
                )}
              </td>
              <td data-pickup={server.pickup ?? ''}>
                <Pickup mode={server.pickup} />
              </td>
              <td>{(server.heartbeatAgeMs / 1000).toFixed(1)} s ago</td>
              <td>
                <RelativeTime iso={server.startedAt} />
              </td>
            </tr>
          ))}
        </DataTable>
      )}
    </PageFrame>
  );
}
