import type { Document } from 'mongodb';
import type { TestDatabase } from './mongo';

/** A `failCommand` mode: on until turned off, the next `times` commands, or all after `skip`. */
export type FailPointMode = 'alwaysOn' | { times: number } | { skip: number };

/**
 * The test server's `failCommand` fail point, limited to one collection of the test's own
 * database: the server is shared by every test file of the run, and a fail point without a
 * namespace would fail their commands too. (An `appName` filter cannot be used: under jest
 * the driver's handshake carries no client metadata.) The server has one `failCommand`
 * setting, so the tests that configure it live in one file
 * (`test/integration/core/storage-faults.test.ts`).
 */
export class FailPoint {
  constructor(private readonly db: TestDatabase) {}

  /** Fails the commands in `data.failCommands` on `<test db>.<collection>` as `data` says. */
  async failCommand(collection: string, mode: FailPointMode, data: Document): Promise<void> {
    await this.configure({
      configureFailPoint: 'failCommand',
      mode,
      data: { ...data, namespace: `${this.db.dbName}.${collection}` },
    });
  }

  async off(): Promise<void> {
    await this.configure({ configureFailPoint: 'failCommand', mode: 'off' });
  }

  private async configure(command: Document): Promise<void> {
    await this.db.client.db('admin').command(command);
  }
}
