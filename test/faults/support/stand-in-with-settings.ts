/**
 * The stand-in as the suite's MongoDB host starts it (see stand-in-from-source.ts): from its
 * source, with the server settings the suite runs under, as a mongod would be given them with
 * `--setParameter` (the stand-in takes them as options, and has no `setParameter` command).
 */
import {
  startStandIn as startFromSource,
  type StandInOptions,
  type StandInServer,
} from '../../../packages/mongo-stand-in/src';
import { TRANSACTION_LIFETIME_LIMIT_S } from './transaction-lifetime';

export { StandInOptionsError } from '../../../packages/mongo-stand-in/src';
export type { StandInOptions, StandInServer } from '../../../packages/mongo-stand-in/src';

/** `startStandIn`, with the suite's transaction lifetime limit unless told otherwise. */
export function startStandIn(options: StandInOptions = {}): Promise<StandInServer> {
  return startFromSource({
    transactionLifetimeLimitMs: TRANSACTION_LIFETIME_LIMIT_S * 1_000,
    ...options,
  });
}
