import type { ApiRateLimit } from '../../../../src/dashboard/api-types';
import { useApp } from '../app/app-context';
import { hrefs } from '../app/routes';
import { AppLink } from '../parts/app-link';
import { DataTable } from '../parts/data-table';
import { shortDuration } from '../parts/format';
import { RelativeTime } from '../parts/relative-time';

/**
 * The rate limits servers apply, and which throttle now: their due jobs wait, unclaimed
 * (no attempt spent), until the window frees. Hidden when no limit is in use.
 */
export function RateLimitsPanel({ limits }: { limits: readonly ApiRateLimit[] }) {
  const { config } = useApp();
  if (limits.length === 0) return null;
  return (
    <section class="panel" id="rate-limits">
      <h2>Rate limits</h2>
      <DataTable
        label="Rate limits"
        columns={[
          { title: 'Limit' },
          { title: 'Starts', numeric: true },
          { title: 'Window' },
          { title: 'Throttled until' },
        ]}
      >
        {limits.map((limit) => (
          <tr
            key={`${limit.scope}:${limit.name}`}
            data-rate-limit={`${limit.scope}:${limit.name}`}
            data-throttled={limit.throttledUntil === null ? 'false' : 'true'}
          >
            <td>
              <span class="muted">{limit.scope === 'type' ? 'type ' : 'queue '}</span>
              <AppLink
                href={hrefs.jobs(config.base, 'enqueued', {
                  filters: limit.scope === 'type' ? { type: limit.name } : { queue: limit.name },
                })}
              >
                {limit.name}
              </AppLink>
            </td>
            <td class="num">
              {limit.used} / {limit.max}
            </td>
            <td>{shortDuration(limit.intervalMs)}</td>
            <td>
              {limit.throttledUntil === null ? (
                <span class="muted">not throttled</span>
              ) : (
                <strong>
                  throttled, frees <RelativeTime iso={limit.throttledUntil} />
                </strong>
              )}
            </td>
          </tr>
        ))}
      </DataTable>
    </section>
  );
}
