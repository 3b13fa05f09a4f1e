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

  constructor(
    private readonly client: MongoClient,
    private readonly matches: (command: Document, commandName: string) => boolean,
  ) {
    if (!client.options.monitorCommands) {
      throw new Error('MatchedCommands needs a client opened with { monitorCommands: true }');
    }
    CommandFeed.of(client).add(this);
  }

  /** Fed by the client's {@link CommandFeed}, as are the next two. */
  onStarted(event: CommandStartedEvent): void {
    if (!this.matches(event.command, event.commandName)) return;
    this.started++;
    this.inFlight.add(event.requestId);
  }

  onSucceeded(event: CommandSucceededEvent): void {
    if (this.inFlight.delete(event.requestId)) this.succeeded++;
  }

  onFailed(event: CommandFailedEvent): void {
    this.inFlight.delete(event.requestId);
  }

  close(): void {
    CommandFeed.of(this.client).remove(this);
  }
}

/**
 * One set of command-monitoring listeners per client, passing each event to every open
 * counter of that client: a test may count many things at once (one per concurrent wait)
 * without adding listeners per counter. The listeners go when the last counter closes.
 */
class CommandFeed {
  private static readonly feeds = new WeakMap<MongoClient, CommandFeed>();

  static of(client: MongoClient): CommandFeed {
    let feed = CommandFeed.feeds.get(client);
    if (!feed) {
      feed = new CommandFeed(client);
      CommandFeed.feeds.set(client, feed);
    }
    return feed;
  }

  private readonly counters = new Set<MatchedCommands>();

  private readonly onStarted = (event: CommandStartedEvent): void => {
    for (const counter of this.counters) counter.onStarted(event);
  };

  private readonly onSucceeded = (event: CommandSucceededEvent): void => {
    for (const counter of this.counters) counter.onSucceeded(event);
  };

  private readonly onFailed = (event: CommandFailedEvent): void => {
    for (const counter of this.counters) counter.onFailed(event);
  };

  private constructor(private readonly client: MongoClient) {}

  add(counter: MatchedCommands): void {
    if (this.counters.size === 0) {
      this.client.on('commandStarted', this.onStarted);
      this.client.on('commandSucceeded', this.onSucceeded);
      this.client.on('commandFailed', this.onFailed);
    }
    this.counters.add(counter);
  }

  remove(counter: MatchedCommands): void {
    if (!this.counters.delete(counter) || this.counters.size > 0) return;
    this.client.off('commandStarted', this.onStarted);
    this.client.off('commandSucceeded', this.onSucceeded);
    this.client.off('commandFailed', this.onFailed);
  }
}
