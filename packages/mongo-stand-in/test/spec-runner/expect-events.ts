import type { Document } from 'bson';
import { bsonTypeOf, describeValue, isDocument } from './bson-values';
import type { ClientEventLog, ObservedEvent } from './client-event-log';
import { withoutDriverWtimeout } from './driver-limitations';
import { eventTypeNamed, type EventType } from './event-types';
import { match, type MatchOptions } from './match';
import { SpecRunnerError } from './spec-runner.error';
import type { ExpectedEventsForClient } from './unified-test-file';
import { UnsupportedFeatureError } from './unsupported-feature.error';

/** What matching an event's documents needs: entities and sessions of the test. */
export type EventMatchOptions = Pick<MatchOptions, 'entity' | 'sessionLsid'>;

/**
 * Checks `test.expectEvents`: for each client, the events it observed of the entry's
 * `eventType` must match the expected ones in number and order (with
 * `ignoreExtraEvents`, more may follow). Returns the first difference, or `undefined`.
 * Throws {@link UnsupportedFeatureError} for SDAM events, {@link SpecRunnerError} for a
 * malformed expectation.
 */
export function checkExpectedEvents(
  expectations: readonly ExpectedEventsForClient[] | undefined,
  logOf: (clientId: string) => ClientEventLog,
  options: EventMatchOptions,
): string | undefined {
  for (const expectation of expectations ?? []) {
    const eventType = expectation.eventType ?? 'command';
    if (eventType === 'sdam') throw new UnsupportedFeatureError('needs SDAM event assertions');
    if (eventType !== 'command' && eventType !== 'cmap') {
      throw new SpecRunnerError(`expectEvents: unknown eventType "${eventType}"`);
    }
    const failure = checkClientEvents(expectation, eventType, logOf(expectation.client), options);
    if (failure) return `expectEvents (${expectation.client}, ${eventType}): ${failure}`;
  }
  return undefined;
}

function checkClientEvents(
  expectation: ExpectedEventsForClient,
  eventType: EventType,
  log: ClientEventLog,
  options: EventMatchOptions,
): string | undefined {
  const actual = log.observed(eventType);
  const expected = expectation.events;
  const countMismatch = expectation.ignoreExtraEvents
    ? actual.length < expected.length
    : actual.length !== expected.length;
  if (countMismatch) {
    return `expected ${expected.length} event(s)${expectation.ignoreExtraEvents ? ' or more' : ''}, observed ${actual.length}: ${describeEvents(actual)}`;
  }
  for (const [index, event] of expected.entries()) {
    const failure = matchEvent(event, actual[index], `events[${index}]`, eventType, options);
    if (failure) return `${failure} (observed: ${describeEvents(actual)})`;
  }
  return undefined;
}

/**
 * Matches one observed event against one `expectedEvent` (`{ commandStartedEvent: {...} }`):
 * same type, and every assertion it makes holds. `command` and `reply` are matched as
 * root-level documents.
 */
export function matchEvent(
  expected: Document,
  actual: ObservedEvent,
  path: string,
  eventType: EventType,
  options: EventMatchOptions,
): string | undefined {
  const keys = Object.keys(expected);
  const type = keys.length === 1 ? eventTypeNamed(keys[0]) : undefined;
  if (!type || type.eventType !== eventType) {
    throw new SpecRunnerError(
      `${path}: not one ${eventType} event ({ <eventName>: {...} }): ${describeValue(expected)}`,
    );
  }
  if (actual.type !== type) return `${path}: expected a ${type.name}, observed ${describe(actual)}`;
  const assertions: unknown = expected[type.name];
  if (!isDocument(assertions)) throw new SpecRunnerError(`${path}: ${type.name} is not a document`);
  for (const [name, value] of Object.entries(assertions)) {
    if (!type.assertions.includes(name)) {
      throw new SpecRunnerError(`${path}: ${type.name} has no assertion "${name}"`);
    }
    const failure = ASSERTIONS[name](value, actual.event, `${path}.${type.name}.${name}`, options);
    if (failure) return failure;
  }
  return undefined;
}

type Assertion = (
  expected: unknown,
  event: Readonly<Record<string, unknown>>,
  path: string,
  options: EventMatchOptions,
) => string | undefined;

const ASSERTIONS: Readonly<Record<string, Assertion>> = {
  command: (expected, event, path, options) =>
    match(expected, withoutDriverWtimeout(expected, event.command), {
      ...options,
      root: 'document',
      path,
    }),
  reply: (expected, event, path, options) =>
    match(expected, event.reply, { ...options, root: 'document', path }),
  commandName: equals('commandName'),
  databaseName: equals('databaseName'),
  reason: equals('reason'),
  interruptInUseConnections: equals('interruptInUseConnections'),
  hasServiceId: (expected, event, path) => {
    const has = hasNonZeroObjectId(event.serviceId);
    return has === expected ? undefined : `${path}: expected ${String(expected)}, got ${has}`;
  },
  hasServerConnectionId: (expected, event, path) => {
    // The driver gives a bigint (or a number) when the server said which connection it is.
    const id = event.serverConnectionId;
    const has = (typeof id === 'bigint' || typeof id === 'number') && id > 0;
    return has === expected ? undefined : `${path}: expected ${String(expected)}, got ${has}`;
  },
};

function equals(field: string): Assertion {
  return (expected, event, path) =>
    event[field] === expected
      ? undefined
      : `${path}: expected ${describeValue(expected)}, got ${describeValue(event[field])}`;
}

function hasNonZeroObjectId(value: unknown): boolean {
  return bsonTypeOf(value) === 'ObjectId' && !/^0+$/.test(String(value));
}

/** `commandStartedEvent(find)`, `connectionCheckOutStartedEvent`: for failure messages. */
function describe(observed: ObservedEvent): string {
  const name = observed.event.commandName;
  return typeof name === 'string' ? `${observed.type.name}(${name})` : observed.type.name;
}

function describeEvents(events: readonly ObservedEvent[]): string {
  return events.length === 0 ? 'none' : events.map(describe).join(', ');
}
