import { MongoServerError, type Document, type MongoClient } from 'mongodb';
import { UnsupportedFeatureError } from './unsupported-feature.error';

/** MongoDB's CommandNotFound, answered by a server without test commands. */
const COMMAND_NOT_FOUND = 59;

/**
 * The fail points one test configured (`failPoint` operation), so that they are turned off
 * after it on the same server, as the format requires.
 */
export class FailPoints {
  private readonly configured: { client: MongoClient; name: string }[] = [];

  /**
   * Runs `configureFailPoint` through `client`. A server without the command (CommandNotFound:
   * a mongod without `enableTestCommands`, or the stand-in) makes the test a skip.
   */
  async configure(client: MongoClient, failPoint: Document): Promise<void> {
    try {
      await client.db('admin').command(failPoint);
    } catch (error) {
      if (error instanceof MongoServerError && error.code === COMMAND_NOT_FOUND) {
        throw new UnsupportedFeatureError(
          `needs fail point ${String(failPoint.configureFailPoint)} (the server answered CommandNotFound to configureFailPoint)`,
        );
      }
      throw error;
    }
    this.configured.push({ client, name: String(failPoint.configureFailPoint) });
  }

  /** Turns every configured fail point off; errors are ignored (the clients may be gone). */
  async disableAll(): Promise<void> {
    const configured = this.configured.splice(0);
    for (const { client, name } of configured.reverse()) {
      await client
        .db('admin')
        .command({ configureFailPoint: name, mode: 'off' })
        .catch(() => undefined);
    }
  }
}
