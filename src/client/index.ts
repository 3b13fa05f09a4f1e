/**
 * `docket/client`: a typed client of the dashboard's REST API, for Node (fetch) and
 * browsers. It does not load MongoDB or the rest of Docket.
 * @module docket/client
 */
export { DocketClient, type DocketClientHeaders, type DocketClientOptions } from './docket-client';
export type { ApiJobEventOptions } from './job-event-polls';
export { ApiCursorLoopError } from './api-cursor-loop.error';
export { ApiResponseTooLargeError } from './api-response-too-large.error';
export {
  ApiAuthorizationError,
  ApiConflictError,
  ApiConnectionError,
  ApiNotFoundError,
  ApiValidationError,
  DocketApiError,
  DocketError,
  InvalidOptionsError,
  JobDeletedError,
  JobWaitTimeoutError,
  type DocketApiErrorInit,
} from '../errors';
export type { JobWaitOptions } from '../scheduler/job-wait-options';
export type * from '../dashboard/api-types';
export type * from '../dashboard/api-enqueue-types';
export type * from '../dashboard/api-search-types';
export type * from '../dashboard/api-batch-types';
export type * from '../dashboard/api-event-types';
export type * from '../dashboard/api-job-edit-types';
