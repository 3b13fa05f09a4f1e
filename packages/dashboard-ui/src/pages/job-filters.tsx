import { useState } from 'preact/hooks';
import { API_JOB_STATES } from '../../../../src/dashboard/api-types';
import { ALL_STATES } from '../../../../src/dashboard/ui-pages';
import { useApp } from '../app/app-context';
import { hrefs, type FilterName, type JobListQuery, type ListState } from '../app/routes';
import { capitalized } from '../parts/format';

const TEXT_FILTERS: readonly { name: FilterName; label: string }[] = [
  { name: 'idPrefix', label: 'Id starts with' },
  { name: 'typePrefix', label: 'Type starts with' },
  { name: 'queue', label: 'Queue' },
  { name: 'errorContains', label: 'Error contains' },
  { name: 'tag', label: 'Tag' },
];

const TIME_RANGES: readonly { label: string; from: FilterName; to: FilterName }[] = [
  { label: 'Created', from: 'createdFrom', to: 'createdTo' },
  { label: 'Finished', from: 'finishedFrom', to: 'finishedTo' },
  { label: 'Due', from: 'dueFrom', to: 'dueTo' },
];

/** The choices of the `deadLettered` filter (empty: either). */
const DEAD_LETTER_CHOICES = [
  { value: '', label: 'In it or not' },
  { value: 'true', label: 'Only dead letters' },
  { value: 'false', label: 'No dead letters' },
] as const;

const SORTS = [
  { value: '', label: 'Default order' },
  { value: 'id:desc', label: 'Newest first' },
  { value: 'id:asc', label: 'Oldest first' },
  { value: 'createdAt:desc', label: 'Created, latest first' },
  { value: 'dueAt:asc', label: 'Due, soonest first' },
  { value: 'dueAt:desc', label: 'Due, latest first' },
  { value: 'finishedAt:desc', label: 'Finished, latest first' },
  { value: 'finishedAt:asc', label: 'Finished, earliest first' },
] as const;

/** `2026-12-02T14:05` in local time, as a datetime-local input shows an ISO time. */
function toLocalInput(iso: string | undefined): string {
  if (!iso) return '';
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return '';
  const two = (n: number) => String(n).padStart(2, '0');
  return `${at.getFullYear()}-${two(at.getMonth() + 1)}-${two(at.getDate())}T${two(at.getHours())}:${two(at.getMinutes())}`;
}

/** The ISO time (UTC) of a datetime-local input's value, read in local time. */
function fromLocalInput(value: string): string {
  const at = new Date(value);
  return value === '' || Number.isNaN(at.getTime()) ? '' : at.toISOString();
}

/** Whether any filter besides the first row's is set (the "More filters" section opens). */
const usesMore = (query: JobListQuery) =>
  query.payload.length > 0 ||
  query.filters.type !== undefined ||
  query.filters.batch !== undefined ||
  query.filters.deadLettered !== undefined ||
  TIME_RANGES.some(({ from, to }) => query.filters[from] || query.filters[to]);

/**
 * The job list's filters: state, id and type prefix, queue, error text, tag; under "More
 * filters" exact type, batch, dead-letter queue, payload fields and time ranges; and the
 * order. Applying them opens the list's first page with all of them in its URL.
 */
export function JobFilterForm({ state, query }: { state: ListState; query: JobListQuery }) {
  const { config, navigate } = useApp();
  const [payloadRows, setPayloadRows] = useState(() =>
    query.payload.length === 0 ? [['', '']] : query.payload.map(([path, value]) => [path, value]),
  );
  const sortValue = query.sort ? `${query.sort}:${query.direction || 'desc'}` : '';
  return (
    <form
      class="filters job-filters"
      role="search"
      aria-label="Filter jobs"
      onSubmit={(event) => {
        event.preventDefault();
        const form = new FormData(event.currentTarget);
        const value = (name: string) => String(form.get(name) ?? '').trim();
        const filters: Partial<Record<FilterName, string>> = {};
        for (const { name } of TEXT_FILTERS) filters[name] = value(name);
        filters.type = value('type');
        filters.batch = value('batch');
        filters.deadLettered = value('deadLettered');
        for (const { from, to } of TIME_RANGES) {
          filters[from] = fromLocalInput(value(from));
          filters[to] = fromLocalInput(value(to));
        }
        const paths = form.getAll('payloadPath').map(String);
        const values = form.getAll('payloadValue').map(String);
        const payload = paths
          .map((path, i) => [path.trim(), values[i] ?? ''] as const)
          .filter(([path]) => path !== '');
        const [sort, direction] = value('sort').split(':') as [JobListQuery['sort'], 'asc'];
        navigate(
          hrefs.jobs(config.base, value('state') as ListState, {
            filters,
            payload,
            sort: sort ?? '',
            direction: sort ? direction : '',
          }),
        );
      }}
    >
      <div class="filter-row">
        <label>
          State
          <select name="state">
            <option value={ALL_STATES} selected={state === ALL_STATES}>
              All states
            </option>
            {API_JOB_STATES.map((s) => (
              <option key={s} value={s} selected={s === state}>
                {capitalized(s)}
              </option>
            ))}
          </select>
        </label>
        {TEXT_FILTERS.map(({ name, label }) => (
          <label key={name}>
            {label}
            <input
              name={name}
              defaultValue={query.filters[name]}
              autocomplete="off"
              spellcheck={false}
            />
          </label>
        ))}
        <label>
          Order
          <select name="sort">
            {SORTS.map((sort) => (
              <option key={sort.value} value={sort.value} selected={sort.value === sortValue}>
                {sort.label}
              </option>
            ))}
          </select>
        </label>
      </div>
      <details class="more-filters" open={usesMore(query)}>
        <summary>More filters</summary>
        <div class="filter-row">
          <label>
            Exact job type
            <input
              name="type"
              defaultValue={query.filters.type}
              autocomplete="off"
              spellcheck={false}
            />
          </label>
          <label>
            Batch id
            <input
              name="batch"
              defaultValue={query.filters.batch}
              autocomplete="off"
              spellcheck={false}
            />
          </label>
          <label>
            Dead-letter queue
            <select name="deadLettered">
              {DEAD_LETTER_CHOICES.map((choice) => (
                <option
                  key={choice.value}
                  value={choice.value}
                  selected={(query.filters.deadLettered ?? '') === choice.value}
                >
                  {choice.label}
                </option>
              ))}
            </select>
          </label>
          {TIME_RANGES.map(({ label, from, to }) => (
            <fieldset key={label} class="time-range">
              <legend>{label}</legend>
              <label>
                From
                <input
                  type="datetime-local"
                  name={from}
                  defaultValue={toLocalInput(query.filters[from])}
                />
              </label>
              <label>
                Before
                <input
                  type="datetime-local"
                  name={to}
                  defaultValue={toLocalInput(query.filters[to])}
                />
              </label>
            </fieldset>
          ))}
        </div>
        <fieldset class="payload-filters">
          <legend>Payload fields (every one must match)</legend>
          {payloadRows.map(([path, value], i) => (
            <div class="filter-row" key={i}>
              <label>
                Field path
                <input
                  name="payloadPath"
                  defaultValue={path}
                  placeholder="customer.id"
                  autocomplete="off"
                  spellcheck={false}
                />
              </label>
              <label>
                Value
                <input
                  name="payloadValue"
                  defaultValue={value}
                  autocomplete="off"
                  spellcheck={false}
                />
              </label>
            </div>
          ))}
          <button
            type="button"
            class="btn small add-payload"
            onClick={() => setPayloadRows([...payloadRows, ['', '']])}
          >
            Add a payload field
          </button>
        </fieldset>
      </details>
      <div class="filter-row">
        <button type="submit" class="btn">
          Apply filters
        </button>
        <button
          type="button"
          class="btn clear-filters"
          onClick={() => navigate(hrefs.jobs(config.base, state))}
        >
          Clear
        </button>
      </div>
    </form>
  );
}
