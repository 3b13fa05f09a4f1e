/**
 * `docket/dashboard`: the REST API and web UI for monitoring and steering Docket jobs.
 *
 * ```ts
 * import { createDashboardHandler, startDashboard } from 'docket/dashboard';
 * ```
 * @module docket/dashboard
 */
// tsyringe, loaded by what follows, needs the Reflect metadata API before it loads; the
// application's own import of reflect-metadata may come later than ours.
import 'reflect-metadata';

export { createDashboardHandler, type DashboardHandler } from './dashboard-handler';
export {
  DASHBOARD_DEFAULTS,
  type DashboardAuthorize,
  type DashboardOptions,
} from './dashboard-options';
export {
  startDashboard,
  type RunningDashboard,
  type StandaloneDashboardOptions,
} from './start-dashboard';
export { ensureDashboardIndexes } from './queries/dashboard-indexes';
export { openApiDocument } from './openapi/openapi-document';
export type * from './api-types';
export type * from './api-enqueue-types';
export type * from './api-search-types';
export type * from './api-batch-types';
export type * from './api-event-types';
export type * from './api-job-edit-types';
export { API_HISTORY_RANGES, API_JOB_STATES } from './api-types';
export { API_BATCH_STATES } from './api-batch-types';
