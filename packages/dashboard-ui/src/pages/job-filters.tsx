import type { ApiJobState } from '../../../../src/dashboard/api-types';
import { useApp } from '../app/app-context';
import { FILTER_NAMES, hrefs, type JobFilters } from '../app/routes';

const LABELS: Record<(typeof FILTER_NAMES)[number], string> = {
  queue: 'Queue',
  type: 'Job type',
  search: 'Id starts with',
};

/** The job list's filters; applying them opens the list's URL with them in its query. */
export function JobFilterForm({ state, filters }: { state: ApiJobState; filters: JobFilters }) {
  const { config, navigate } = useApp();
  return (
    <form
      class="filters"
      role="search"
      aria-label="Filter jobs"
      onSubmit={(event) => {
        event.preventDefault();
        const form = new FormData(event.currentTarget);
        const value = (name: string) => String(form.get(name) ?? '');
        navigate(
          hrefs.jobs(config.base, state, {
            queue: value('queue'),
            type: value('type'),
            search: value('search'),
          }),
        );
      }}
    >
      {FILTER_NAMES.map((name) => (
        <label key={name}>
          {LABELS[name]}
          <input name={name} defaultValue={filters[name]} autocomplete="off" spellcheck={false} />
        </label>
      ))}
      <button type="submit" class="btn">
        Filter
      </button>
    </form>
  );
}
