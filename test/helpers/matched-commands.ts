import type {
  CommandFailedEvent,
  CommandStartedEvent,
  CommandSucceededEvent,
  Document,
  MongoClient,
} from 'mongodb';

/**
 * Counts the commands matching `matches` that a client opened with `monitorCommands: true`
 * sends from now on: how many started, and how many of those succeeded. Tests wait on these
 * counts ("the server has read the queue states once more", "three more sweeps ran") rather
 * than on a fixed time. `close()` stops counting.
 */
export class MatchedCommands {
  started = 0;
  succeeded = 0;
  /** Request ids of the matching commands still in flight. */
  private readonly inFlight = new Set<number>();

  private readonly onStarted = (event: CommandStartedEvent): void => {
    if (!this.matches(event.command, event.commandName)) return;
    this.started++;
    this.inFlight.add(event.requestId);
  };

  private readonly onSucceeded = (event: CommandSucceededEvent): void => {
    if (this.inFlight.delete(event.requestId)) this.succeeded++;
  };

  private readonly onFailed = (event: CommandFailedEvent): void => {
    this.inFlight.delete(event.requestId);
  };

  constructor(
    private readonly client: MongoClient,
    private readonly matches: (command: Document, commandName: string) => boolean,
  ) {
    if (!client.options.monitorCommands) {
      throw new Error('MatchedCommands needs a client opened with { monitorCommands: true }');
    }
    client.on('commandStarted', this.onStarted);
    client.on('commandSucceeded', this.onSucceeded);
    client.on('commandFailed', this.onFailed);
  }

  close(): void {
    this.client.off('commandStarted', this.onStarted);
    this.client.off('commandSucceeded', this.onSucceeded);
    this.client.off('commandFailed', this.onFailed);
  }
}
