import { useEffect, useRef, useState } from 'preact/hooks';
import { API_JOB_STATES, type ApiStats } from '../../../../src/dashboard/api-types';
import { useApp } from '../app/app-context';
import { hrefs } from '../app/routes';
import { useResource } from '../live/use-resource';
import { AppLink } from '../parts/app-link';
import { capitalized } from '../parts/format';
import { ThemeToggle } from './theme-toggle';

/**
 * The header: brand, the navigation with live counts per state, and the theme toggle. On a
 * narrow screen the navigation folds behind a menu button; Escape or opening a page folds it.
 */
export function SiteHeader({ pathname }: { pathname: string }) {
  const { config } = useApp();
  const { base } = config;
  const stats = useResource<ApiStats>('stats').data;
  const [open, setOpen] = useState(false);
  const menuButton = useRef<HTMLButtonElement>(null);
  useEffect(() => setOpen(false), [pathname]);

  const link = (href: string, label: string, count?: { id: string; value?: number }) => {
    const active = href === pathname || (href !== base && pathname.startsWith(href));
    return (
      <AppLink
        key={href}
        href={href}
        class={active ? 'active' : undefined}
        aria-current={active ? 'page' : undefined}
        data-nav
      >
        {label}
        {count && ' '}
        {count && (
          <span class="count" id={count.id}>
            {count.value}
          </span>
        )}
      </AppLink>
    );
  };

  return (
    <header
      class="site-header"
      onKeyDown={(event) => {
        if (event.key !== 'Escape' || !open) return;
        setOpen(false);
        menuButton.current?.focus();
      }}
    >
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <AppLink class="brand" href={base} data-nav>
        {config.title}
      </AppLink>
      <button
        ref={menuButton}
        type="button"
        class="menu-button"
        aria-expanded={open ? 'true' : 'false'}
        aria-controls="nav"
        onClick={() => setOpen(!open)}
      >
        <span class="menu-icon" aria-hidden="true" />
        Menu
      </button>
      <nav id="nav" aria-label="Dashboard pages" class={open ? 'open' : undefined}>
        {link(hrefs.overview(base), 'Overview')}
        {link(hrefs.charts(base), 'Charts')}
        {API_JOB_STATES.map((state) =>
          link(hrefs.jobs(base, state), capitalized(state), {
            id: `nav-count-${state}`,
            value: stats?.states[state],
          }),
        )}
        {link(hrefs.jobs(base, 'failed', { filters: { deadLettered: 'true' } }), 'Dead letters')}
        <span class="sep" aria-hidden="true" />
        {link(hrefs.batches(base), 'Batches')}
        {link(hrefs.recurring(base), 'Recurring')}
        {link(hrefs.servers(base), 'Servers')}
        {link(hrefs.queues(base), 'Queues')}
      </nav>
      <ThemeToggle />
    </header>
  );
}
