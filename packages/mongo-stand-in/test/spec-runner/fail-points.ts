import { MongoServerError, type Document, type MongoClient } from 'mongodb';
import { UnsupportedFeatureError } from './unsupported-feature.error';

/** MongoDB's CommandNotFound, answered by a server without test commands. */
const COMMAND_NOT_FOUND = 59;

/** Runs an admin command where a fail point lives. */
type AdminCommand = (command: Document) => Promise<unknown>;

/**
 * The fail points one test configured (`failPoint`, `targetedFailPoint`), so that they are
 * turned off after it on the same server, as the format requires.
 */
export class FailPoints {
  private readonly configured: { run: AdminCommand; name: string }[] = [];

  /**
   * Runs `configureFailPoint` through `client`. A server without the command (CommandNotFound:
   * a mongod without `enableTestCommands`, or the stand-in) makes the test a skip.
   */
  async configure(client: MongoClient, failPoint: Document): Promise<void> {
    await this.configureWith((command) => client.db('admin').command(command), failPoint);
  }

  /**
   * Runs `configureFailPoint` on one server (the mongos a session is pinned to) through a
   * client of its own, opened by `connect` and closed once the command is done; turning
   * it off later opens another.
   */
  async configureOnServer(connect: () => MongoClient, failPoint: Document): Promise<void> {
    await this.configureWith(async (command) => {
      const client = connect();
      try {
        return await client.db('admin').command(command);
      } finally {
        await client.close();
      }
    }, failPoint);
  }

  /** Turns every configured fail point off; errors are ignored (the clients may be gone). */
  async disableAll(): Promise<void> {
    const configured = this.configured.splice(0);
    for (const { run, name } of configured.reverse()) {
      await run({ configureFailPoint: name, mode: 'off' }).catch(() => undefined);
    }
  }

  private async configureWith(run: AdminCommand, failPoint: Document): Promise<void> {
    try {
      await run(failPoint);
    } catch (error) {
      if (error instanceof MongoServerError && error.code === COMMAND_NOT_FOUND) {
        throw new UnsupportedFeatureError(
          `needs fail point ${String(failPoint.configureFailPoint)} (the server answered CommandNotFound to configureFailPoint)`,
        );
      }
      throw error;
    }
    this.configured.push({ run, name: String(failPoint.configureFailPoint) });
  }
}
