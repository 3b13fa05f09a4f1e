import type { CommandStartedEvent, CommandSucceededEvent, MongoClient } from 'mongodb';

/** Durations kept per counter between resets (memory bound). */
const MAX_DURATIONS = 500_000;

/** Commands counted by name, with the durations of the ones whose latency we report. */
export interface CommandCounts {
  /** Commands started, by command name (`find`, `findAndModify`, `update`, ...). */
  readonly byName: Readonly<Record<string, number>>;
  readonly total: number;
  /** Round-trip durations (ms) of the commands that succeeded, by command name. */
  readonly durationsMs: Readonly<Record<string, readonly number[]>>;
}

/**
 * Counts the commands one `MongoClient` sends, by name, through the driver's command
 * monitoring (the client must be created with `monitorCommands: true`). Only the queue
 * library's own client is counted: the harness's bookkeeping uses no database at all.
 */
export class CommandCounter {
  private byName = new Map<string, number>();
  private durationsMs = new Map<string, number[]>();
  private kept = 0;
  private readonly onStarted = (event: CommandStartedEvent): void => {
    this.byName.set(event.commandName, (this.byName.get(event.commandName) ?? 0) + 1);
  };
  private readonly onSucceeded = (event: CommandSucceededEvent): void => {
    if (this.kept >= MAX_DURATIONS) return;
    this.kept++;
    const list = this.durationsMs.get(event.commandName);
    if (list) list.push(event.duration);
    else this.durationsMs.set(event.commandName, [event.duration]);
  };

  constructor(private readonly client: MongoClient) {
    client.on('commandStarted', this.onStarted);
    client.on('commandSucceeded', this.onSucceeded);
  }

  /** The counts since the last reset. */
  snapshot(): CommandCounts {
    let total = 0;
    for (const count of this.byName.values()) total += count;
    return {
      byName: Object.fromEntries(this.byName),
      total,
      durationsMs: Object.fromEntries(this.durationsMs),
    };
  }

  /** Starts counting from zero. */
  reset(): void {
    this.byName = new Map();
    this.durationsMs = new Map();
    this.kept = 0;
  }

  /** Stops listening. */
  detach(): void {
    this.client.off('commandStarted', this.onStarted);
    this.client.off('commandSucceeded', this.onSucceeded);
  }
}

/** Sums command counts of several processes. */
export function sumCounts(counts: readonly CommandCounts[]): CommandCounts {
  const byName: Record<string, number> = {};
  const durationsMs: Record<string, number[]> = {};
  let total = 0;
  for (const count of counts) {
    for (const [name, n] of Object.entries(count.byName)) byName[name] = (byName[name] ?? 0) + n;
    total += count.total;
    for (const [name, list] of Object.entries(count.durationsMs)) {
      const into = (durationsMs[name] ??= []);
      for (const ms of list) into.push(ms);
    }
  }
  return { byName, total, durationsMs };
}

/** An empty count. */
export const NO_COMMANDS: CommandCounts = Object.freeze({ byName: {}, total: 0, durationsMs: {} });
