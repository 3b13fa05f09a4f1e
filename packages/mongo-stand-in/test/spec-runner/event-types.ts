/** The `eventType` of an `expectEvents` entry that lists an event. */
export type EventType = 'command' | 'cmap';

/** One kind of event the runner can observe on a client entity. */
export interface EventTypeDescription {
  /** The format's name (`observeEvents`, `expectEvents`): `commandStartedEvent`... */
  readonly name: string;
  readonly eventType: EventType;
  /** The name the Node.js driver emits it under on the `MongoClient`. */
  readonly driverEvent: string;
  /** The assertions an expected event of this kind may make (all optional). */
  readonly assertions: readonly string[];
}

const COMMAND_ASSERTIONS = [
  'commandName',
  'databaseName',
  'hasServiceId',
  'hasServerConnectionId',
] as const;

/**
 * The command monitoring and connection pool (CMAP) events of the format, one list from
 * which every lookup below is derived. SDAM events and log messages are not observed.
 */
export const EVENT_TYPES: readonly EventTypeDescription[] = [
  {
    name: 'commandStartedEvent',
    eventType: 'command',
    driverEvent: 'commandStarted',
    assertions: ['command', ...COMMAND_ASSERTIONS],
  },
  {
    name: 'commandSucceededEvent',
    eventType: 'command',
    driverEvent: 'commandSucceeded',
    assertions: ['reply', ...COMMAND_ASSERTIONS],
  },
  {
    name: 'commandFailedEvent',
    eventType: 'command',
    driverEvent: 'commandFailed',
    assertions: COMMAND_ASSERTIONS,
  },
  cmap('poolCreatedEvent', 'connectionPoolCreated'),
  cmap('poolReadyEvent', 'connectionPoolReady'),
  cmap('poolClearedEvent', 'connectionPoolCleared', ['hasServiceId', 'interruptInUseConnections']),
  cmap('poolClosedEvent', 'connectionPoolClosed'),
  cmap('connectionCreatedEvent', 'connectionCreated'),
  cmap('connectionReadyEvent', 'connectionReady'),
  cmap('connectionClosedEvent', 'connectionClosed', ['reason']),
  cmap('connectionCheckOutStartedEvent', 'connectionCheckOutStarted'),
  cmap('connectionCheckOutFailedEvent', 'connectionCheckOutFailed', ['reason']),
  cmap('connectionCheckedOutEvent', 'connectionCheckedOut'),
  cmap('connectionCheckedInEvent', 'connectionCheckedIn'),
];

/** SDAM events of the format, which this runner does not observe (a test needing them is a skip). */
export const UNOBSERVED_EVENT_TYPES: ReadonlySet<string> = new Set([
  'serverDescriptionChangedEvent',
  'serverHeartbeatStartedEvent',
  'serverHeartbeatSucceededEvent',
  'serverHeartbeatFailedEvent',
  'topologyDescriptionChangedEvent',
]);

const BY_NAME = new Map(EVENT_TYPES.map((type) => [type.name, type]));

/** The event type named `name` in the format's spelling (`commandStartedEvent`), or `undefined`. */
export function eventTypeNamed(name: string): EventTypeDescription | undefined {
  return BY_NAME.get(name);
}

/**
 * The event type named as `storeEventsAsEntities` names it (`CommandStartedEvent`,
 * `PoolCreatedEvent`: the monitoring specifications' class names), or `undefined`.
 */
export function eventTypeOfClassName(className: string): EventTypeDescription | undefined {
  return BY_NAME.get(className.charAt(0).toLowerCase() + className.slice(1));
}

function cmap(
  name: string,
  driverEvent: string,
  assertions: readonly string[] = [],
): EventTypeDescription {
  return { name, eventType: 'cmap', driverEvent, assertions };
}
