import { EventEmitter } from 'node:events';
import { ObjectId, type Document } from 'bson';
import { ClientEventLog, type EventSource } from '../../spec-runner/client-event-log';
import { checkExpectedEvents } from '../../spec-runner/expect-events';
import { SpecRunnerError } from '../../spec-runner/spec-runner.error';
import type { ExpectedEventsForClient } from '../../spec-runner/unified-test-file';
import { UnsupportedFeatureError } from '../../spec-runner/unsupported-feature.error';

/** A log of client0 that saw an insert succeed, then a find fail, and one pool check-out. */
function observedLog(): ClientEventLog {
  const client = new EventEmitter() as EventEmitter & EventSource;
  const log = new ClientEventLog(client, {
    id: 'client0',
    observeEvents: [
      'commandStartedEvent',
      'commandSucceededEvent',
      'commandFailedEvent',
      'connectionCheckOutStartedEvent',
    ],
  });
  client.emit('connectionCheckOutStarted', { address: 'x' });
  client.emit('commandStarted', {
    commandName: 'insert',
    databaseName: 'db0',
    command: { insert: 'coll0', documents: [{ _id: 1 }], ordered: true, lsid: { id: 1 } },
    serverConnectionId: 12n,
  });
  client.emit('commandSucceeded', {
    commandName: 'insert',
    databaseName: 'db0',
    reply: { n: 1, ok: 1 },
  });
  client.emit('commandStarted', {
    commandName: 'find',
    databaseName: 'db0',
    command: { find: 'coll0', filter: {}, sort: new Map([['_id', 1]]) },
    serviceId: new ObjectId(),
  });
  client.emit('commandFailed', { commandName: 'find', databaseName: 'db0', failure: new Error() });
  return log;
}

function check(expectation: Partial<ExpectedEventsForClient>): string | undefined {
  const log = observedLog();
  return checkExpectedEvents(
    [{ client: 'client0', events: [], ...expectation }],
    (id) => {
      if (id !== 'client0') throw new SpecRunnerError(`no client ${id}`);
      return log;
    },
    { entity: () => undefined },
  );
}

const allFourCommandEvents: Document[] = [
  { commandStartedEvent: { command: { insert: 'coll0' }, commandName: 'insert' } },
  { commandSucceededEvent: { reply: { n: 1 }, commandName: 'insert', databaseName: 'db0' } },
  { commandStartedEvent: { command: { find: 'coll0', sort: { _id: 1 } } } },
  { commandFailedEvent: { commandName: 'find' } },
];

describe('checkExpectedEvents', () => {
  it('matches every event in order, commands and replies as root-level documents', () => {
    expect(check({ events: allFourCommandEvents })).toBeUndefined();
  });

  it('fails on a missing or an extra event unless ignoreExtraEvents', () => {
    expect(check({ events: allFourCommandEvents.slice(0, 2) })).toMatch(
      /expected 2 event\(s\), observed 4: commandStartedEvent\(insert\), commandSucceededEvent\(insert\)/,
    );
    expect(
      check({ events: allFourCommandEvents.slice(0, 2), ignoreExtraEvents: true }),
    ).toBeUndefined();
    expect(check({ events: [...allFourCommandEvents, ...allFourCommandEvents] })).toMatch(
      /expected 8 event\(s\), observed 4/,
    );
  });

  it('asserts that no event was observed when the list is empty', () => {
    expect(check({ events: [] })).toMatch(/expected 0 event\(s\), observed 4/);
  });

  it('says which event and which field differ', () => {
    const events = [...allFourCommandEvents];
    events[2] = { commandStartedEvent: { command: { find: 'other' } } };
    expect(check({ events })).toMatch(
      /^expectEvents \(client0, command\): events\[2\]\.commandStartedEvent\.command\.find: expected "other", got "coll0"/,
    );
    events[2] = { commandSucceededEvent: {} };
    expect(check({ events })).toMatch(
      /events\[2\]: expected a commandSucceededEvent, observed commandStartedEvent\(find\)/,
    );
  });

  it('does not allow extra fields in nested documents of a command', () => {
    const events = [...allFourCommandEvents];
    events[0] = { commandStartedEvent: { command: { documents: [{}] } } };
    expect(check({ events })).toMatch(/documents\[0\]: unexpected field\(s\) _id/);
  });

  it('checks the event fields: names, service and server connection ids', () => {
    const events = [...allFourCommandEvents];
    events[0] = {
      commandStartedEvent: {
        databaseName: 'db0',
        hasServiceId: false,
        hasServerConnectionId: true,
      },
    };
    events[2] = { commandStartedEvent: { hasServiceId: true, hasServerConnectionId: false } };
    expect(check({ events })).toBeUndefined();
    events[0] = { commandStartedEvent: { databaseName: 'other' } };
    expect(check({ events })).toMatch(/databaseName: expected "other", got "db0"/);
    events[0] = { commandStartedEvent: { hasServiceId: true } };
    expect(check({ events })).toMatch(/hasServiceId: expected true, got false/);
  });

  it('reads cmap events under eventType cmap only', () => {
    expect(
      check({ eventType: 'cmap', events: [{ connectionCheckOutStartedEvent: {} }] }),
    ).toBeUndefined();
    expect(() => check({ eventType: 'cmap', events: [{ commandStartedEvent: {} }] })).toThrow(
      SpecRunnerError,
    );
  });

  it('refuses an assertion the event type does not have', () => {
    const events = [...allFourCommandEvents];
    events[3] = { commandFailedEvent: { reply: {} } };
    expect(() => check({ events })).toThrow(/commandFailedEvent has no assertion "reply"/);
  });

  it('skips SDAM expectations and refuses unknown event types or clients', () => {
    expect(() => check({ eventType: 'sdam' })).toThrow(UnsupportedFeatureError);
    expect(() => check({ eventType: 'log' })).toThrow(/unknown eventType "log"/);
    expect(() => check({ client: 'client9' })).toThrow(/no client client9/);
  });
});
