import type { EphemeralMongo } from '../../src/testing';

export default async function globalTeardown(): Promise<void> {
  await (globalThis as { __DOCKET_MONGO__?: EphemeralMongo }).__DOCKET_MONGO__?.stop();
}
