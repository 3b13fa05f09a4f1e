import { useState } from 'preact/hooks';
import {
  API_HISTORY_RANGES,
  type ApiHistoryBucket,
  type ApiHistoryRange,
  type ApiStatsHistory,
} from '../../../../src/dashboard/api-types';
import { useApp } from '../app/app-context';
import { hrefs, type ChartFilters } from '../app/routes';
import { LoadState, PageFrame } from '../layout/page-frame';
import { useResource } from '../live/use-resource';
import { DataTable } from '../parts/data-table';
import { shortDuration } from '../parts/format';
import { bucketLabel } from '../parts/time-chart';
import { LatencyChart } from './latency-chart';
import { ThroughputChart } from './throughput-chart';

const RANGE_LABELS: Record<ApiHistoryRange, string> = {
  lastHour: 'Last hour, per minute',
  lastDay: 'Last day, per hour',
};

function historyPath(filters: ChartFilters): string {
  const query = new URLSearchParams({ range: filters.range });
  if (filters.queue) query.set('queue', filters.queue);
  if (filters.type) query.set('type', filters.type);
  return `stats/history?${query.toString()}`;
}

/** The names to choose from, with the one chosen even when no stored job has it. */
const choices = (names: readonly string[] | undefined, chosen: string): string[] =>
  [...new Set([...(names ?? []), ...(chosen ? [chosen] : [])])].sort();

/** Range, queue and type; showing them opens the charts' URL with them in its query. */
function ChartFilterForm({
  filters,
  history,
}: {
  filters: ChartFilters;
  history: ApiStatsHistory | undefined;
}) {
  const { config, navigate } = useApp();
  const [draft, setDraft] = useState(filters);
  const select = (name: keyof ChartFilters, label: string, options: [string, string][]) => (
    <label>
      {label}
      <select
        name={name}
        value={draft[name]}
        onChange={(event) => setDraft({ ...draft, [name]: event.currentTarget.value })}
      >
        {options.map(([value, text]) => (
          <option key={value} value={value}>
            {text}
          </option>
        ))}
      </select>
    </label>
  );
  return (
    <form
      class="filters"
      aria-label="What the charts show"
      onSubmit={(event) => {
        event.preventDefault();
        navigate(hrefs.charts(config.base, draft));
      }}
    >
      {select(
        'range',
        'Range',
        API_HISTORY_RANGES.map((range) => [range, RANGE_LABELS[range]]),
      )}
      {select('queue', 'Queue', [
        ['', 'All queues'],
        ...choices(history?.queues, filters.queue).map((name): [string, string] => [name, name]),
      ])}
      {select('type', 'Job type', [
        ['', 'All job types'],
        ...choices(history?.types, filters.type).map((name): [string, string] => [name, name]),
      ])}
      <button type="submit" class="btn">
        Show
      </button>
    </form>
  );
}

/** The charts' figures as a table: the buckets in which jobs finished. */
function HistoryTable({ history }: { history: ApiStatsHistory }) {
  const counted = history.buckets.filter((bucket) => bucket.succeeded + bucket.failed > 0);
  const unit = history.range === 'lastHour' ? 'Minute' : 'Hour';
  const wait = (ms: number | null) => (ms === null ? '–' : shortDuration(ms));
  return (
    <details class="panel figures">
      <summary>
        The figures, {unit.toLowerCase()} by {unit.toLowerCase()}
      </summary>
      {counted.length === 0 ? (
        <p class="empty">No job finished in this range.</p>
      ) : (
        <DataTable
          label="Jobs finished and their wait, by time"
          columns={[
            { title: unit },
            { title: 'Succeeded', numeric: true },
            { title: 'Failed', numeric: true },
            { title: 'Average wait', numeric: true },
            { title: 'Longest wait', numeric: true },
          ]}
        >
          {counted.map((bucket: ApiHistoryBucket) => (
            <tr key={bucket.at} data-bucket={bucket.at}>
              <td>
                <time dateTime={bucket.at}>
                  {bucketLabel(Date.parse(bucket.at), history.bucketMs)}
                </time>
              </td>
              <td class="num">{bucket.succeeded}</td>
              <td class="num">{bucket.failed}</td>
              <td class="num">{wait(bucket.latencyAvgMs)}</td>
              <td class="num">{wait(bucket.latencyMaxMs)}</td>
            </tr>
          ))}
        </DataTable>
      )}
      {counted.length > 0 && <p class="muted">{unit}s in which no job finished are left out.</p>}
    </details>
  );
}

/**
 * Throughput, failures and queue latency over the last hour or day, for every queue and
 * type or one of each (chosen in the URL, so a view can be shared and reloaded).
 */
export function ChartsPage({ filters }: { filters: ChartFilters }) {
  const { data: history, error } = useResource<ApiStatsHistory>(historyPath(filters));
  const scope = [filters.queue && `queue ${filters.queue}`, filters.type && `type ${filters.type}`]
    .filter(Boolean)
    .join(', ');
  return (
    <PageFrame title="Charts" busy={history === undefined && error === undefined}>
      <ChartFilterForm filters={filters} history={history} />
      {history === undefined ? (
        <LoadState error={error} />
      ) : (
        <>
          <section class="panel" aria-labelledby="throughput-heading">
            <h2 id="throughput-heading">
              Succeeded and failed{scope && <span class="muted"> · {scope}</span>}
            </h2>
            <ThroughputChart buckets={history.buckets} range={history.range} />
          </section>
          <section class="panel" aria-labelledby="latency-heading">
            <h2 id="latency-heading">
              Queue latency{scope && <span class="muted"> · {scope}</span>}
            </h2>
            <p class="muted">
              How long the last attempt of each job waited past its due time before a server took
              it, by the time it finished (a retry waits from its retry time).
            </p>
            <LatencyChart buckets={history.buckets} range={history.range} />
          </section>
          <HistoryTable history={history} />
        </>
      )}
    </PageFrame>
  );
}
