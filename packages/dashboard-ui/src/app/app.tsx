import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { SiteHeader } from '../layout/site-header';
import { StatusBar } from '../layout/status-bar';
import { BatchPage } from '../pages/batch-page';
import { BatchesPage } from '../pages/batches-page';
import { ChartsPage } from '../pages/charts-page';
import { EnqueuePage } from '../pages/enqueue-page';
import { JobPage } from '../pages/job-page';
import { JobsPage } from '../pages/jobs-page';
import { NotFoundPage } from '../pages/not-found-page';
import { OverviewPage } from '../pages/overview-page';
import { QueuesPage } from '../pages/queues-page';
import { RecurringFormPage } from '../pages/recurring-form-page';
import { RecurringPage } from '../pages/recurring-page';
import { ServersPage } from '../pages/servers-page';
import { AppContext, type AppServices } from './app-context';
import { parseRoute, type Route } from './routes';

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case 'overview':
      return <OverviewPage />;
    case 'jobs':
      return <JobsPage state={route.state} query={route.query} />;
    case 'job':
      return <JobPage id={route.id} />;
    case 'enqueue':
      return <EnqueuePage type={route.type} />;
    case 'charts':
      return <ChartsPage filters={route.filters} />;
    case 'batches':
      return <BatchesPage query={route.query} />;
    case 'batch':
      return <BatchPage id={route.id} />;
    case 'recurring':
      return <RecurringPage />;
    case 'recurring-form':
      return <RecurringFormPage id={route.id} />;
    case 'servers':
      return <ServersPage />;
    case 'queues':
      return <QueuesPage />;
    case 'invalid-link':
      return <NotFoundPage malformed />;
    case 'not-found':
      return <NotFoundPage malformed={false} />;
  }
}

const here = () => ({ pathname: location.pathname, search: location.search });

/**
 * The dashboard: header, status line and the page the URL names. Pages open in place
 * (history entries, no reload); each opens fresh (its own state and subscriptions).
 */
export function App({ services }: { services: Omit<AppServices, 'navigate'> }) {
  const [where, setWhere] = useState(here);
  const navigate = useCallback((href: string) => {
    history.pushState(null, '', href);
    setWhere(here());
    scrollTo(0, 0);
  }, []);
  useEffect(() => {
    const onPopState = () => setWhere(here());
    addEventListener('popstate', onPopState);
    return () => removeEventListener('popstate', onPopState);
  }, []);

  const key = where.pathname + where.search;
  const opened = useRef(false);
  useEffect(() => {
    services.flash.clear();
    // A page opened in place puts focus on its heading, as a page load puts it at the top.
    if (opened.current) document.getElementById('page-heading')?.focus();
    opened.current = true;
  }, [key, services.flash]);

  const value = useMemo(() => ({ ...services, navigate }), [services, navigate]);
  return (
    <AppContext.Provider value={value}>
      <SiteHeader pathname={where.pathname} />
      <StatusBar />
      <Page key={key} route={parseRoute(services.config.base, where.pathname, where.search)} />
    </AppContext.Provider>
  );
}
