/**
 * `docket/client`: a typed client of the dashboard's REST API, for Node (fetch) and
 * browsers. It does not load MongoDB or the rest of Docket.
 */
export { DocketClient, type DocketClientHeaders, type DocketClientOptions } from './docket-client';
export {
  ApiAuthorizationError,
  ApiConflictError,
  ApiConnectionError,
  ApiNotFoundError,
  ApiValidationError,
  DocketApiError,
  DocketError,
  type DocketApiErrorInit,
} from '../errors';
export type * from '../dashboard/api-types';
