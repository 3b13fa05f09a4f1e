import type { Document } from 'bson';
import type { MongoClient } from 'mongodb';
import {
  EVENT_TYPES,
  UNOBSERVED_EVENT_TYPES,
  eventTypeNamed,
  type EventType,
  type EventTypeDescription,
} from './event-types';
import { SpecRunnerError } from './spec-runner.error';
import type { ClientEntityDescription } from './unified-test-file';

/** An event a client entity observed and did not have to ignore. */
export interface ObservedEvent {
  readonly type: EventTypeDescription;
  /**
   * The driver's event object as emitted: `commandName`, `databaseName`, `command`,
   * `reply`, `serviceId`, `serverConnectionId`, `reason`... are read from it.
   */
  readonly event: Readonly<Record<string, unknown>>;
}

/** The part of a `MongoClient` the log listens to (a fake in unit tests). */
export type EventSource = Pick<MongoClient, 'on' | 'off'>;

/**
 * Commands whose events carry credentials: the format ignores them unless the client says
 * `observeSensitiveCommands` (the driver has redacted them to `{}` either way). Compared
 * in lower case, as servers accept these names in any case.
 */
const SENSITIVE_COMMANDS = new Set([
  'authenticate',
  'saslstart',
  'saslcontinue',
  'getnonce',
  'createuser',
  'updateuser',
  'copydbgetnonce',
  'copydbsaslstart',
  'copydb',
]);

/** `hello` and its legacy names: sensitive only when they carry `speculativeAuthenticate`. */
const HELLO_COMMANDS = new Set(['hello', 'ismaster']);

/**
 * The events one client entity observes, as its `observeEvents` asks, minus what the format
 * says to ignore: the commands of `ignoreCommandMonitoringEvents`, every
 * `configureFailPoint` (the runner's own fail points) and, unless
 * `observeSensitiveCommands`, the sensitive commands. Listening starts at construction and
 * ends with {@link ClientEventLog.stop}.
 */
export class ClientEventLog {
  private readonly events: ObservedEvent[] = [];
  private readonly listeners: [string, (event: Record<string, unknown>) => void][] = [];
  private readonly ignoredCommands: ReadonlySet<string>;
  private readonly observeSensitiveCommands: boolean;
  /** Request ids of hello commands the driver redacted, so that their replies are ignored too. */
  private readonly sensitiveRequests = new Set<unknown>();

  constructor(
    private readonly source: EventSource,
    description: Pick<
      ClientEntityDescription,
      'id' | 'observeEvents' | 'ignoreCommandMonitoringEvents' | 'observeSensitiveCommands'
    >,
  ) {
    this.ignoredCommands = new Set([
      'configureFailPoint',
      ...(description.ignoreCommandMonitoringEvents ?? []),
    ]);
    this.observeSensitiveCommands = description.observeSensitiveCommands === true;
    for (const name of description.observeEvents ?? []) {
      // SDAM events are not recorded; a test that expects some is skipped when checked.
      if (UNOBSERVED_EVENT_TYPES.has(name)) continue;
      const type = eventTypeNamed(name);
      if (!type) {
        throw new SpecRunnerError(
          `client "${description.id}": unknown observeEvents type "${name}" (known: ${EVENT_TYPES.map((t) => t.name).join(', ')})`,
        );
      }
      const listener = (event: Record<string, unknown>) => this.record(type, event);
      source.on(type.driverEvent as never, listener as never);
      this.listeners.push([type.driverEvent, listener]);
    }
  }

  /** Whether the client must be created with `monitorCommands` for this log. */
  static needsCommandMonitoring(observeEvents: readonly string[] | undefined): boolean {
    return (observeEvents ?? []).some((name) => eventTypeNamed(name)?.eventType === 'command');
  }

  /** The events observed so far of one `eventType`, in the order they were emitted. */
  observed(eventType: EventType): readonly ObservedEvent[] {
    return this.events.filter((observed) => observed.type.eventType === eventType);
  }

  /** The `command` of every `commandStartedEvent` observed so far, in order. */
  startedCommands(): Document[] {
    return this.events
      .filter((observed) => observed.type.name === 'commandStartedEvent')
      .map((observed) => observed.event.command as Document);
  }

  /** Stops listening; what was observed stays readable. Idempotent. */
  stop(): void {
    for (const [name, listener] of this.listeners.splice(0)) {
      this.source.off(name as never, listener as never);
    }
  }

  private record(type: EventTypeDescription, event: Record<string, unknown>): void {
    if (type.eventType === 'command' && this.ignored(type, event)) return;
    this.events.push({ type, event });
  }

  private ignored(type: EventTypeDescription, event: Record<string, unknown>): boolean {
    const name = String(event.commandName);
    if (this.ignoredCommands.has(name)) return true;
    if (this.observeSensitiveCommands) return false;
    const lowerCase = name.toLowerCase();
    if (SENSITIVE_COMMANDS.has(lowerCase)) return true;
    if (!HELLO_COMMANDS.has(lowerCase)) return false;
    // The driver empties a hello that carries speculativeAuthenticate, and its reply.
    if (type.name === 'commandStartedEvent' && isEmpty(event.command)) {
      this.sensitiveRequests.add(event.requestId);
    }
    return this.sensitiveRequests.has(event.requestId) || isEmpty(event.reply);
  }
}

function isEmpty(value: unknown): boolean {
  return value !== null && typeof value === 'object' && Object.keys(value).length === 0;
}
