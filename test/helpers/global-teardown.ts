import { rmSync } from 'node:fs';
import type { EphemeralMongo } from '../../src/testing';
import { BUILD_DIR_ENV } from './worker-build';

export default async function globalTeardown(): Promise<void> {
  await (globalThis as { __DOCKET_MONGO__?: EphemeralMongo }).__DOCKET_MONGO__?.stop();
  const builds = process.env[BUILD_DIR_ENV];
  if (builds !== undefined) rmSync(builds, { recursive: true, force: true });
}
