import { EventEmitter } from 'node:events';
import { ClientEventLog, type EventSource } from '../../spec-runner/client-event-log';
import { SpecRunnerError } from '../../spec-runner/spec-runner.error';

/** A client stand-in: the log only calls `on` and `off`. */
function fakeClient(): EventEmitter & EventSource {
  return new EventEmitter() as EventEmitter & EventSource;
}

function started(commandName: string, command: object = { [commandName]: 1 }, requestId = 1) {
  return { commandName, command, databaseName: 'db', requestId };
}

const names = (log: ClientEventLog, type: 'command' | 'cmap' = 'command') =>
  log.observed(type).map((observed) => `${observed.type.name}:${observed.event.commandName}`);

describe('ClientEventLog', () => {
  it('records only the observed event types, in order', () => {
    const client = fakeClient();
    const log = new ClientEventLog(client, {
      id: 'client0',
      observeEvents: ['commandStartedEvent', 'connectionCheckOutStartedEvent'],
    });
    client.emit('commandStarted', started('find'));
    client.emit('commandSucceeded', { commandName: 'find', reply: { ok: 1 } });
    client.emit('connectionCheckOutStarted', {});
    client.emit('commandStarted', started('getMore'));
    expect(names(log)).toEqual(['commandStartedEvent:find', 'commandStartedEvent:getMore']);
    expect(log.observed('cmap').map((observed) => observed.type.name)).toEqual([
      'connectionCheckOutStartedEvent',
    ]);
  });

  it('ignores configureFailPoint, the listed commands and sensitive commands', () => {
    const client = fakeClient();
    const log = new ClientEventLog(client, {
      id: 'client0',
      observeEvents: ['commandStartedEvent', 'commandSucceededEvent'],
      ignoreCommandMonitoringEvents: ['killCursors'],
    });
    for (const name of ['configureFailPoint', 'killCursors', 'saslStart', 'getNonce', 'insert']) {
      client.emit('commandStarted', started(name));
    }
    expect(names(log)).toEqual(['commandStartedEvent:insert']);
  });

  it('ignores a hello the driver redacted (speculativeAuthenticate), and its reply', () => {
    const client = fakeClient();
    const log = new ClientEventLog(client, {
      id: 'client0',
      observeEvents: ['commandStartedEvent', 'commandSucceededEvent'],
    });
    client.emit('commandStarted', started('hello', {}, 7));
    client.emit('commandSucceeded', { commandName: 'hello', requestId: 7, reply: { ok: 1 } });
    client.emit('commandStarted', started('hello', { hello: 1 }, 8));
    client.emit('commandSucceeded', { commandName: 'hello', requestId: 8, reply: { ok: 1 } });
    expect(names(log)).toEqual(['commandStartedEvent:hello', 'commandSucceededEvent:hello']);
  });

  it('keeps sensitive commands when observeSensitiveCommands is true', () => {
    const client = fakeClient();
    const log = new ClientEventLog(client, {
      id: 'client0',
      observeEvents: ['commandStartedEvent'],
      observeSensitiveCommands: true,
    });
    client.emit('commandStarted', started('saslContinue', {}));
    expect(names(log)).toEqual(['commandStartedEvent:saslContinue']);
  });

  it('stops listening and keeps what it saw', () => {
    const client = fakeClient();
    const log = new ClientEventLog(client, { id: 'c', observeEvents: ['commandStartedEvent'] });
    client.emit('commandStarted', started('ping'));
    log.stop();
    log.stop();
    client.emit('commandStarted', started('endSessions'));
    expect(names(log)).toEqual(['commandStartedEvent:ping']);
    expect(client.listenerCount('commandStarted')).toBe(0);
  });

  it('gives the commands of the started events, for the lsid assertions', () => {
    const client = fakeClient();
    const log = new ClientEventLog(client, {
      id: 'c',
      observeEvents: ['commandStartedEvent', 'commandSucceededEvent'],
    });
    client.emit('commandStarted', started('ping', { ping: 1, lsid: 'a' }));
    client.emit('commandSucceeded', { commandName: 'ping', reply: { ok: 1 } });
    client.emit('commandStarted', started('find', { find: 'x', lsid: 'b' }));
    expect(log.startedCommands()).toEqual([
      { ping: 1, lsid: 'a' },
      { find: 'x', lsid: 'b' },
    ]);
  });

  it('does not listen for SDAM events and refuses unknown event types', () => {
    const client = fakeClient();
    new ClientEventLog(client, { id: 'c', observeEvents: ['serverHeartbeatStartedEvent'] });
    expect(client.eventNames()).toEqual([]);
    expect(
      () => new ClientEventLog(client, { id: 'c', observeEvents: ['commandStarted'] }),
    ).toThrow(SpecRunnerError);
  });

  it('says when the client needs command monitoring', () => {
    expect(ClientEventLog.needsCommandMonitoring(['commandFailedEvent'])).toBe(true);
    expect(ClientEventLog.needsCommandMonitoring(['poolCreatedEvent'])).toBe(false);
    expect(ClientEventLog.needsCommandMonitoring(undefined)).toBe(false);
  });
});
