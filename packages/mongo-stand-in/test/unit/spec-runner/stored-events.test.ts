import { EventEmitter } from 'node:events';
import type { Document } from 'bson';
import type { EventSource } from '../../spec-runner/client-event-log';
import { storeEvents } from '../../spec-runner/stored-events';

describe('storeEvents (storeEventsAsEntities)', () => {
  it('appends each named event as a document to the saved list until stopped', () => {
    const client = new EventEmitter() as EventEmitter & EventSource;
    const saved = new Map<string, Document[]>();
    const stop = storeEvents(
      client,
      { id: 'events', events: ['CommandStartedEvent', 'CommandFailedEvent', 'PoolCreatedEvent'] },
      (id, list) => saved.set(id, list),
    );
    client.emit('commandStarted', { commandName: 'ping', databaseName: 'admin', command: {} });
    client.emit('commandFailed', { commandName: 'ping', failure: new Error('boom') });
    client.emit('connectionPoolCreated', { address: 'localhost:1' });
    client.emit('commandSucceeded', { commandName: 'ping' });
    stop();
    client.emit('commandStarted', { commandName: 'ping' });

    const list = saved.get('events') ?? [];
    expect(list.map((event) => event.name)).toEqual([
      'CommandStartedEvent',
      'CommandFailedEvent',
      'PoolCreatedEvent',
    ]);
    expect(list[0]).toMatchObject({ commandName: 'ping', databaseName: 'admin' });
    expect(list[0].command).toBeUndefined();
    expect(list[1].failure).toBe('boom');
    expect(list[2].address).toBe('localhost:1');
    expect(typeof list[0].observedAt).toBe('number');
  });

  it('refuses an event name it does not know', () => {
    const client = new EventEmitter() as EventEmitter & EventSource;
    expect(() =>
      storeEvents(client, { id: 'e', events: ['ServerHeartbeatStartedEvent'] }, () => undefined),
    ).toThrow(/unknown event ServerHeartbeatStartedEvent/);
  });
});
