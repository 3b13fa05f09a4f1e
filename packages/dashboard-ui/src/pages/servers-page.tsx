import type {
  ApiPickupMode,
  ApiSchemaStatus,
  ApiServer,
  ApiServerJobs,
} from '../../../../src/dashboard/api-types';
import { useApp } from '../app/app-context';
import { hrefs } from '../app/routes';
import { LoadState, PageFrame } from '../layout/page-frame';
import { useResource } from '../live/use-resource';
import { AppLink } from '../parts/app-link';
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

/**
 * What a server is running now, under its row: each job's id (a link to it), type, queue,
 * start and progress.
 */
function ServerJobs({ server }: { server: ApiServer }) {
  const { config } = useApp();
  const path = `servers/${encodeURIComponent(server.id)}/jobs?limit=${config.maxPageSize}`;
  const { data, error } = useResource<ApiServerJobs>(path);
  if (data === undefined) {
    return error === undefined || error.status === 404 ? null : (
      <p class="error-text">Could not read its jobs: {error.message}</p>
    );
  }
  if (data.items.length === 0) return <p class="muted">Running no jobs.</p>;
  return (
    <>
      <table class="running-jobs">
        <caption>
          Running now<span class="visually-hidden"> on {server.id}</span>
        </caption>
        <thead>
          <tr>
            {['Job', 'Type', 'Queue', 'Started', 'Progress'].map((title) => (
              <th key={title} scope="col">
                {title}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {data.items.map((job) => (
            <tr key={job.id} data-job={job.id}>
              <td>
                <AppLink class="mono" href={hrefs.job(config.base, job.id)}>
                  {job.id}
                </AppLink>
              </td>
              <td>{job.type}</td>
              <td>{job.queue}</td>
              <td>
                <RelativeTime iso={job.startedAt} />
              </td>
              <td>
                {job.progress === null ? (
                  <span class="muted">–</span>
                ) : (
                  <>
                    <progress
                      max={100}
                      value={job.progress.percent}
                      aria-label={`Progress of job ${job.id}`}
                    />{' '}
                    {job.progress.percent}%
                    {job.progress.message && <span class="muted"> {job.progress.message}</span>}
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {data.truncated && (
        <p class="muted">The {data.items.length} running longest are listed; more are running.</p>
      )}
    </>
  );
}

/**
 * The database's schema version under the servers that share it, with a migration under way
 * (see the production guide, "Upgrading and schema versions").
 */
function SchemaLine() {
  const { data } = useResource<ApiSchemaStatus>('schema');
  if (data === undefined) return null;
  const { databaseVersion, codeVersion, migration } = data;
  return (
    <p class="muted" id="schema-version" data-schema={databaseVersion}>
      Database schema {databaseVersion}
      {databaseVersion !== codeVersion && ` (this dashboard writes ${codeVersion})`}
      {migration && `; ${migration.owner} is migrating it to ${migration.to}`}
    </p>
  );
}

/**
 * Every server sharing the database: alive or silent, load, how it hears of work, and the
 * jobs it is running.
 */
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
          {servers.map((server) => [
            <tr key={server.id} data-server={server.id} class="server-row">
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
            </tr>,
            <tr key={`${server.id} jobs`} class="server-jobs" data-server-jobs={server.id}>
              <td colSpan={COLUMNS.length}>
                <ServerJobs server={server} />
              </td>
            </tr>,
          ])}
        </DataTable>
      )}
      <SchemaLine />
    </PageFrame>
  );
}
