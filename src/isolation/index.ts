export { checkIsolation } from './check-isolation';
export {
  ISOLATION_DEFAULTS,
  resolveIsolationOptions,
  type IsolationOptions,
  type IsolationResourceLimits,
  type ResolvedIsolationOptions,
} from './isolation-options';
export {
  IsolatedRunner,
  type IsolatedRunHooks,
  type IsolatedRunRequest,
  type IsolatedRunnerDeps,
} from './isolated-runner';
export type { IsolationBootstrapModule } from './worker-bootstrap';
