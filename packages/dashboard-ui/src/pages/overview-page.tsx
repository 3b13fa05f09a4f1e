import { useState } from 'preact/hooks';
import {
  API_JOB_STATES,
  type ApiStats,
  type ApiUnhandledJobType,
} from '../../../../src/dashboard/api-types';
import { useApp } from '../app/app-context';
import { hrefs } from '../app/routes';
import { LoadState, PageFrame } from '../layout/page-frame';
import { useResource } from '../live/use-resource';
import { AppLink } from '../parts/app-link';
import { DataTable } from '../parts/data-table';
import { QueueTable } from '../parts/queue-table';
import { RelativeTime } from '../parts/relative-time';
import { RateLimitsPanel } from './rate-limits-panel';
import { ThroughputChart, type ThroughputRange } from './throughput-chart';

const RANGES: readonly { value: ThroughputRange; label: string }[] = [
  { value: 'lastHour', label: 'Last hour' },
  { value: 'lastDay', label: 'Last day' },
];

/** Due jobs of types no live server handles wait forever: the overview says so. */
function UnhandledPanel({ unhandled }: { unhandled: readonly ApiUnhandledJobType[] }) {
  const { config } = useApp();
  if (unhandled.length === 0) return null;
  return (
    <section class="panel error-panel" id="unhandled-types">
      <h2>Unhandled job types</h2>
      <p class="muted">
        Due jobs of these types wait, but no live server handles them: deploy a server with their
        handlers.
      </p>
      <DataTable
        label="Unhandled job types"
        columns={[
          { title: 'Job type' },
          { title: 'Waiting', numeric: true },
          { title: 'Oldest due' },
        ]}
      >
        {unhandled.map((entry) => (
          <tr key={entry.type} data-unhandled={entry.type}>
            <td>
              <AppLink
                href={hrefs.jobs(config.base, 'enqueued', { filters: { type: entry.type } })}
              >
                {entry.type}
              </AppLink>
            </td>
            <td class="num">{entry.waiting}</td>
            <td>
              <RelativeTime iso={entry.oldestDueAt} />
            </td>
          </tr>
        ))}
      </DataTable>
    </section>
  );
}

/**
 * Counts per state, the throughput chart, unhandled types, rate limits, queues and the fleet
 * in brief.
 */
export function OverviewPage() {
  const { config } = useApp();
  const { base } = config;
  const { data: stats, error } = useResource<ApiStats>('stats');
  const [range, setRange] = useState<ThroughputRange>('lastHour');
  return (
    <PageFrame title="Overview" busy={stats === undefined && error === undefined}>
      {stats === undefined ? (
        <LoadState error={error} />
      ) : (
        <>
          <div class="tiles">
            {API_JOB_STATES.map((state) => (
              <AppLink key={state} href={hrefs.jobs(base, state)} class={`tile state-${state}`}>
                <span class="tile-count" id={`count-${state}`}>
                  {stats.states[state]}
                </span>{' '}
                <span class="tile-label">{state}</span>
              </AppLink>
            ))}
          </div>
          <section class="panel">
            <div class="panel-head">
              <h2>Succeeded and failed</h2>
              <div class="toggle" role="group" aria-label="Time range">
                {RANGES.map((option) => (
                  <button
                    key={option.value}
                    type="button"
                    class={option.value === range ? 'btn small active' : 'btn small'}
                    aria-pressed={option.value === range ? 'true' : 'false'}
                    data-range={option.value}
                    onClick={() => setRange(option.value)}
                  >
                    {option.label}
                  </button>
                ))}
              </div>
            </div>
            <ThroughputChart buckets={stats[range]} range={range} />
          </section>
          <UnhandledPanel unhandled={stats.unhandled} />
          <RateLimitsPanel limits={stats.rateLimits} />
          <section class="panel">
            <h2>
              <AppLink href={hrefs.queues(base)}>Queues</AppLink>
            </h2>
            <QueueTable queues={stats.queues} withActions={false} />
          </section>
          <p class="muted">
            <AppLink href={hrefs.servers(base)}>
              {stats.servers.alive} of {stats.servers.total} servers alive
            </AppLink>
            {' · '}
            <AppLink href={hrefs.recurring(base)}>{stats.recurring} recurring jobs</AppLink>
          </p>
        </>
      )}
    </PageFrame>
  );
}
