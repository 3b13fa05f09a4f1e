/**
 * The web UI's one script (served as `assets/app.js`): a small single-page app in plain
 * browser JavaScript, no build step and no dependencies. It renders every value from the
 * API with `textContent` (never as markup), polls the API for live updates, and sends
 * actions as JSON POST/DELETE requests.
 */
import { APP_SCRIPT_CORE } from './app-script-core';
import { APP_SCRIPT_LISTS } from './app-script-lists';
import { APP_SCRIPT_PAGES } from './app-script-pages';
import { APP_SCRIPT_RENDER } from './app-script-render';

export const APP_SCRIPT = APP_SCRIPT_CORE + APP_SCRIPT_LISTS + APP_SCRIPT_PAGES + APP_SCRIPT_RENDER;
