/**
 * The dashboard's web UI. The server's page shell is the same for every page: it carries
 * the options in `<body data-*>` and an empty `#app`, which this renders into. Every value
 * from the API is rendered as text by Preact; nothing is ever inserted as markup.
 */
import './locale-guard';
import 'uplot/dist/uPlot.min.css';
import './styles/theme.css';
import './styles/base.css';
import './styles/layout.css';
import './styles/components.css';
import './styles/job-output.css';
import './styles/forms.css';
import './styles/charts.css';
import './styles/server-jobs.css';
import './styles/batches.css';
import './styles/job-tags.css';
import { render } from 'preact';
import { App } from './app/app';
import { Flash } from './app/flash';
import { ThemeState } from './app/theme';
import { ApiClient } from './live/api-client';
import { LiveStore } from './live/live-store';
import { readShellConfig } from './shell-config';

const config = readShellConfig(document.body);
const api = new ApiClient(config.base);
const live = new LiveStore(api);
const services = {
  config,
  api,
  live,
  flash: new Flash(),
  theme: new ThemeState(document.documentElement),
};

// Polls while the page is shown (a hidden tab skips its turns; coming back refreshes at once).
let timer: ReturnType<typeof setInterval> | undefined;
const poll = () => (timer ??= setInterval(() => live.tick(), config.refreshMs));
poll();
addEventListener('pageshow', poll);
addEventListener('pagehide', () => {
  clearInterval(timer);
  timer = undefined;
});
document.addEventListener('visibilitychange', () => live.tick());

const root = document.getElementById('app');
if (root !== null) render(<App services={services} />, root);
