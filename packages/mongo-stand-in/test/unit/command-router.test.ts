import { CommandFailure, type CommandContext, type CommandHandler } from '../../src/command-types';
import { CommandRouter } from '../../src/command-router';
import type { StandInStore } from '../../src/engine/stand-in-store';
import { StandInState } from '../../src/stand-in-state';

const context: CommandContext = { dbName: 'docket', store: {} as StandInStore, connectionId: 1 };

function routerWith(handlers: Record<string, CommandHandler>): {
  router: CommandRouter;
  state: StandInState;
} {
  const state = new StandInState('127.0.0.1');
  return { router: new CommandRouter([handlers], state), state };
}

describe('CommandRouter', () => {
  it('runs the handler named by the first key and adds ok: 1', () => {
    const { router } = routerWith({
      count: (command) => ({ n: command.count === 'jobs' ? 3 : 0 }),
    });
    expect(router.execute({ count: 'jobs', query: {}, lsid: { id: 1 } }, context)).toEqual({
      n: 3,
      ok: 1,
    });
  });

  it('answers an unknown command with CommandNotFound', () => {
    const { router } = routerWith({});
    expect(router.execute({ foo: 1 }, context)).toEqual({
      ok: 0,
      errmsg: "no such command: 'foo'",
      code: 59,
      codeName: 'CommandNotFound',
    });
  });

  it('answers a CommandFailure with its reply, and any other error with InternalError', () => {
    const { router } = routerWith({
      failing: () => {
        throw new CommandFailure(26, 'NamespaceNotFound', 'ns not found', { extra: true });
      },
      broken: () => {
        throw new RangeError('out of range');
      },
    });
    expect(router.execute({ failing: 1 }, context)).toEqual({
      ok: 0,
      errmsg: 'ns not found',
      code: 26,
      codeName: 'NamespaceNotFound',
      extra: true,
    });
    expect(router.execute({ broken: 1 }, context)).toEqual({
      ok: 0,
      errmsg: 'out of range',
      code: 1,
      codeName: 'InternalError',
    });
  });

  it.each([
    [{ insert: 'jobs', documents: [], txnNumber: 1 }],
    [{ find: 'jobs', startTransaction: true, autocommit: false }],
    [{ commitTransaction: 1 }],
    [{ abortTransaction: 1 }],
  ])('refuses %j as a standalone does', (command) => {
    const handler = jest.fn(() => ({}));
    const { router } = routerWith({ insert: handler, find: handler });
    expect(router.execute(command, context)).toEqual({
      ok: 0,
      errmsg: 'Transaction numbers are only allowed on a replica set member or mongos',
      code: 20,
      codeName: 'IllegalOperation',
    });
    expect(handler).not.toHaveBeenCalled();
  });

  it('refuses a $changeStream pipeline and admin-only commands elsewhere than admin', () => {
    const { router } = routerWith({ aggregate: () => ({}), getLog: () => ({}) });
    expect(
      router.execute({ aggregate: 'jobs', pipeline: [{ $changeStream: {} }], cursor: {} }, context),
    ).toMatchObject({ ok: 0, code: 40573 });
    expect(router.execute({ getLog: 'global' }, context)).toMatchObject({ ok: 0, code: 13 });
    expect(router.execute({ getLog: 'global' }, { ...context, dbName: 'admin' })).toEqual({
      ok: 1,
    });
  });

  it('counts operations as mongod opcounters do', () => {
    const { router, state } = routerWith({
      insert: () => ({}),
      update: () => ({}),
      find: () => ({}),
    });
    router.execute({ insert: 'c', documents: [{}, {}] }, context);
    router.execute({ update: 'c', updates: [{}, {}, {}] }, context);
    router.execute({ find: 'c' }, context);
    router.execute({ nope: 1 }, context);
    expect(state.opcounters).toEqual({
      insert: 2,
      update: 3,
      query: 1,
      delete: 0,
      getmore: 0,
      command: 1,
    });
  });

  it('refuses to merge two handler sets defining the same command', () => {
    const state = new StandInState('127.0.0.1');
    expect(() => new CommandRouter([{ ping: () => ({}) }, { ping: () => ({}) }], state)).toThrow(
      "stand-in command 'ping' is defined twice",
    );
  });
});
