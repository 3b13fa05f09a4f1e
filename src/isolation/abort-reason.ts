import {
  JobDeletedError,
  JobSnoozedError,
  JobTimeoutError,
  LeaseLostError,
  ServerStoppingError,
  type DocketErrorDetails,
} from '../errors';
import { fromWireError, type WireError } from './protocol';

/**
 * The reason a server aborted with (or refused a request of the handler's context with),
 * rebuilt in the worker as the same Docket error class, so that an isolated handler tests
 * `signal.reason instanceof JobTimeoutError` as an inline one.
 */
export function abortReasonFrom(wire: WireError, details: DocketErrorDetails): Error {
  let reason: Error;
  switch (wire.code) {
    case 'JOB_TIMEOUT':
      reason = new JobTimeoutError(wire.timeoutMs ?? 0, details);
      break;
    case 'LEASE_LOST':
      reason = new LeaseLostError(details);
      break;
    case 'JOB_DELETED':
      reason = new JobDeletedError(details);
      break;
    case 'SERVER_STOPPING':
      reason = new ServerStoppingError('', details);
      break;
    case 'JOB_SNOOZED':
      reason = new JobSnoozedError(new Date(wire.until ?? 0), details);
      break;
    default:
      return fromWireError(wire);
  }
  reason.message = wire.message;
  return reason;
}
