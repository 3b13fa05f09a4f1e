import { FailPointRegistry, failCommandReply } from '../../src/fail-points';

const target = { commandName: 'insert', namespace: 'db.jobs', appName: 'app' };

describe('FailPointRegistry (failCommand)', () => {
  it('fires the given number of times, then turns itself off', () => {
    const registry = new FailPointRegistry();
    registry.configure({
      configureFailPoint: 'failCommand',
      mode: { times: 2 },
      data: { failCommands: ['insert'], errorCode: 11600 },
    });
    expect(registry.match({ ...target, commandName: 'find' })).toBeUndefined();
    expect(registry.match(target)?.errorCode).toBe(11600);
    expect(registry.match(target)?.errorCode).toBe(11600);
    expect(registry.match(target)).toBeUndefined();
  });

  it('skips, filters by appName and namespace, and reports how often it fired', () => {
    const registry = new FailPointRegistry();
    registry.configure({
      configureFailPoint: 'failCommand',
      mode: { skip: 1 },
      data: {
        failCommands: ['insert'],
        closeConnection: true,
        appName: 'app',
        namespace: 'db.jobs',
      },
    });
    expect(registry.match({ ...target, appName: 'other' })).toBeUndefined();
    expect(registry.match({ ...target, namespace: 'db.other' })).toBeUndefined();
    expect(registry.match(target)).toBeUndefined(); // skipped
    expect(registry.match(target)?.closeConnection).toBe(true);
    expect(registry.configure({ configureFailPoint: 'failCommand', mode: 'off' })).toEqual({
      count: 1,
    });
    expect(registry.match(target)).toBeUndefined();
  });

  it('rejects unknown fail points and invalid modes', () => {
    const registry = new FailPointRegistry();
    expect(() => registry.configure({ configureFailPoint: 'nope', mode: 'alwaysOn' })).toThrow(
      "unknown fail point 'nope'",
    );
    expect(() =>
      registry.configure({ configureFailPoint: 'failCommand', mode: 'sometimes', data: {} }),
    ).toThrow('invalid fail point mode');
    expect(() =>
      registry.configure({ configureFailPoint: 'failCommand', mode: 'alwaysOn', data: {} }),
    ).toThrow('failCommands');
  });

  it('builds the error reply mongod sends', () => {
    const registry = new FailPointRegistry();
    registry.configure({
      configureFailPoint: 'failCommand',
      mode: 'alwaysOn',
      data: { failCommands: ['insert'], errorCode: 10107, errorLabels: ['RetryableWriteError'] },
    });
    const action = registry.match(target);
    expect(action && failCommandReply(action, 10107)).toEqual({
      ok: 0,
      errmsg: "Failing command via 'failCommand' failpoint",
      code: 10107,
      codeName: 'NotWritablePrimary',
      errorLabels: ['RetryableWriteError'],
    });
  });
});
