import { container as rootContainer, type DependencyContainer } from 'tsyringe';
import { Docket, type DocketOptions } from '../../src';
import { quietLogger } from './logger';
import type { TestDatabase } from './mongo';

/** Fast settings for servers in tests: short polls, leases and grace periods. */
export const FAST_SERVER = {
  pollIntervalMs: 50,
  minPollIntervalMs: 5,
  leaseMs: 1_000,
  heartbeatIntervalMs: 200,
  recoveryIntervalMs: 100,
  shutdownGraceMs: 500,
  abortGraceMs: 200,
} as const;

/** A Docket on the test database with its own child container and a quiet logger. */
export async function createTestDocket(
  db: TestDatabase,
  options: Partial<DocketOptions> = {},
): Promise<{ docket: Docket; container: DependencyContainer }> {
  const container = options.container ?? rootContainer.createChildContainer();
  const docket = await Docket.create({
    mongo: { client: db.client, dbName: db.dbName },
    logger: quietLogger(),
    ...options,
    container,
  });
  return { docket, container };
}
