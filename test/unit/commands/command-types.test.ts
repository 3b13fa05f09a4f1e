/**
 * Type-level tests: `tsc` (npm run lint) fails on this file if the result types are wrong.
 * The runtime assertions only keep jest happy.
 */
import {
  BaseCommand,
  CommandHandler,
  DeleteJobCommand,
  EnqueueJobCommand,
  ExecuteCommandJob,
  ScheduleJobCommand,
  type ICommand,
  type ICommandBus,
  type ICommandHandler,
  type ResultOf,
} from '../../../src/commands';
import type { IJob } from '../../../src/jobs';

/** Compiles only when A and B are the same type. */
type Equals<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(): T | undefined {
  return undefined;
}

class Rename extends BaseCommand<{ renamed: boolean }> {}
class Fire extends BaseCommand {}
class Untyped implements ICommand {}

describe('command result types', () => {
  it('infers ResultOf from BaseCommand<R> and ICommand', () => {
    assertType<Equals<ResultOf<EnqueueJobCommand>, string>>();
    assertType<Equals<ResultOf<ScheduleJobCommand>, string>>();
    assertType<Equals<ResultOf<DeleteJobCommand>, boolean>>();
    assertType<Equals<ResultOf<Rename>, { renamed: boolean }>>();
    assertType<Equals<ResultOf<Fire>, void>>();
    assertType<Equals<ResultOf<Untyped>, unknown>>();
    expect(true).toBe(true);
  });

  it('types bus.execute by the command, without annotations', () => {
    const bus: ICommandBus = { execute: () => Promise.resolve(undefined as never) };
    const job = {} as IJob;
    const enqueued = bus.execute(new EnqueueJobCommand(job));
    const scheduled = bus.execute(new ScheduleJobCommand(job, { delayMs: 1 }));
    const deleted = bus.execute(new DeleteJobCommand('id'));
    const renamed = bus.execute(new Rename());
    assertType<Equals<typeof enqueued, Promise<string>>>();
    assertType<Equals<typeof scheduled, Promise<string>>>();
    assertType<Equals<typeof deleted, Promise<boolean>>>();
    assertType<Equals<typeof renamed, Promise<{ renamed: boolean }>>>();
    expect([enqueued, scheduled, deleted, renamed].every((p) => p instanceof Promise)).toBe(true);
  });

  it('adds nothing to command instances at runtime', () => {
    expect(Object.keys(new Rename())).toEqual([]);
    expect(Object.getOwnPropertySymbols(new Rename())).toEqual([]);
    expect(Object.keys(new DeleteJobCommand('42'))).toEqual(['jobId']);
  });

  it('checks a handler against its command’s result type', () => {
    @CommandHandler(Rename)
    class RenameHandler implements ICommandHandler<Rename> {
      async execute(): Promise<{ renamed: boolean }> {
        return { renamed: true };
      }
    }
    // @ts-expect-error -- execute resolves with a string, Rename's result is { renamed: boolean }
    @CommandHandler(Rename)
    class WrongResultHandler {
      async execute(): Promise<string> {
        return 'no';
      }
    }
    expect([RenameHandler.name, WrongResultHandler.name]).toHaveLength(2);
  });

  it('keeps the wrapped command’s type in ExecuteCommandJob', () => {
    const wrapped = {} as ExecuteCommandJob<Rename>;
    assertType<Equals<typeof wrapped.command, Rename>>();
    expect(wrapped).toEqual({});
  });
});
