import { Type } from 'class-transformer';
import { IsInt, IsString, Min, ValidateNested } from 'class-validator';
import { Long, ObjectId } from 'mongodb';
import { container as rootContainer } from 'tsyringe';
import {
  BaseCommand,
  COMMAND_BUS,
  Command,
  ExecuteCommandJob,
  ExecuteCommandJobHandler,
  type ICommand,
  type ICommandBus,
} from '../../../src/commands';
import { JobValidationError, UnknownCommandTypeError } from '../../../src/errors';
import type { JobContext } from '../../../src/handlers';
import { jobHandlerMetadataOf } from '../../../src/handlers';
import { fromStoredPayload, jobTypeOf, toStoredPayload, validateJob } from '../../../src/jobs';
import { quietLogger } from '../../helpers/logger';

class Line {
  @IsString() sku!: string;
  @IsInt() @Min(1) quantity!: number;
}

@Command('execute-command-test.reserve')
class ReserveStock extends BaseCommand<number> {
  @IsString() orderId!: string;
  @ValidateNested({ each: true }) @Type(() => Line) lines!: Line[];

  constructor(orderId?: string, lines?: Line[]) {
    super();
    if (orderId !== undefined) this.orderId = orderId;
    if (lines !== undefined) this.lines = lines;
  }
}

/** A command without any class-validator rule: nothing to validate. */
@Command('execute-command-test.ruleless')
class Ruleless extends BaseCommand {
  big = 0n;
  ref: ObjectId | undefined;
}

class Unnamed extends BaseCommand {}

const line = (sku: string, quantity: number) => Object.assign(new Line(), { sku, quantity });
const TYPE = 'docket.execute-command';

describe('ExecuteCommandJob', () => {
  it('is a @Job with a stable name, handled by ExecuteCommandJobHandler', () => {
    expect(jobTypeOf(ExecuteCommandJob)).toBe(TYPE);
    expect(jobHandlerMetadataOf(ExecuteCommandJobHandler)?.jobClass).toBe(ExecuteCommandJob);
  });

  it('carries the command’s stable name and the command', () => {
    const command = new ReserveStock('o-1', [line('a', 1)]);
    const job = new ExecuteCommandJob(command);
    expect(job.commandType).toBe('execute-command-test.reserve');
    expect(job.command).toBe(command);
  });

  it('refuses a command class without @Command at creation', () => {
    expect(() => new ExecuteCommandJob(new Unnamed())).toThrow(UnknownCommandTypeError);
    expect(() => new ExecuteCommandJob(new Unnamed())).toThrow(/Unnamed has no stable name/);
    expect(() => new ExecuteCommandJob({} as ICommand)).toThrow(UnknownCommandTypeError);
  });

  it('validates the command’s rules as part of the job, with paths under command', async () => {
    const job = new ExecuteCommandJob(new ReserveStock(42 as never, [line('a', 0)]));
    const error = await validateJob(job, TYPE).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobValidationError);
    expect((error as JobValidationError).issues.map((issue) => issue.path)).toEqual([
      'command.orderId',
      'command.lines[0].quantity',
    ]);
  });

  it('accepts a valid command, and a command class that declares no rules', async () => {
    await expect(
      validateJob(new ExecuteCommandJob(new ReserveStock('o', [line('a', 2)])), TYPE),
    ).resolves.toBeUndefined();
    await expect(validateJob(new ExecuteCommandJob(new Ruleless()), TYPE)).resolves.toBeUndefined();
  });

  it('stores the command as a plain document under its name', () => {
    const stored = toStoredPayload(
      new ExecuteCommandJob(new ReserveStock('o-1', [line('a', 2)])),
      TYPE,
    );
    expect(stored).toEqual({
      commandType: 'execute-command-test.reserve',
      command: { orderId: 'o-1', lines: [{ sku: 'a', quantity: 2 }] },
    });
    expect(Object.getPrototypeOf(stored.command)).toBe(Object.prototype);
  });

  it('rebuilds the command as an instance of its class, nested types and BSON values included', async () => {
    const ref = new ObjectId();
    const original = Object.assign(new Ruleless(), { big: 2n ** 40n, ref });
    const stored = toStoredPayload(new ExecuteCommandJob(original), TYPE);
    expect((stored.command as { big: unknown }).big).toBeInstanceOf(Long);
    const rebuilt = fromStoredPayload(ExecuteCommandJob, stored);
    expect(rebuilt).toBeInstanceOf(ExecuteCommandJob);
    expect(rebuilt.command).toBeInstanceOf(Ruleless);
    expect(rebuilt.command).toEqual(original);
    expect((rebuilt.command as Ruleless).ref).toBe(ref);

    const reserve = fromStoredPayload(
      ExecuteCommandJob,
      toStoredPayload(new ExecuteCommandJob(new ReserveStock('o-2', [line('b', 3)])), TYPE),
    );
    expect(reserve.command).toBeInstanceOf(ReserveStock);
    expect((reserve.command as ReserveStock).lines[0]).toBeInstanceOf(Line);
    await expect(validateJob(reserve, TYPE)).resolves.toBeUndefined();
  });

  it('fails loading a stored command whose type no loaded class has, with UnknownCommandTypeError', () => {
    const stored = { commandType: 'execute-command-test.from-the-future', command: { x: 1 } };
    let error: unknown;
    try {
      fromStoredPayload(ExecuteCommandJob, stored);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UnknownCommandTypeError);
    expect(error).toMatchObject({ commandType: 'execute-command-test.from-the-future' });
    expect((error as Error).message).toMatch(
      /Command type 'execute-command-test.from-the-future' is not known to this process/,
    );
  });

  it('reports a stored job with a malformed command through validation', async () => {
    for (const stored of [
      { commandType: 'execute-command-test.reserve', command: 'nope' },
      { commandType: 'execute-command-test.reserve' },
      { commandType: 7, command: {} },
    ]) {
      const job = fromStoredPayload(ExecuteCommandJob, stored);
      await expect(validateJob(job, TYPE)).rejects.toBeInstanceOf(JobValidationError);
    }
  });

  it('its handler executes the command through the COMMAND_BUS', async () => {
    const executed: ICommand[] = [];
    const bus: ICommandBus = {
      execute: async (command) => {
        executed.push(command);
        return undefined as never;
      },
    };
    const container = rootContainer.createChildContainer();
    container.registerInstance(COMMAND_BUS, bus);
    const handler = container.resolve(ExecuteCommandJobHandler);
    const command = new ReserveStock('o-3', []);
    await handler.handle(new ExecuteCommandJob(command), { logger: quietLogger() } as JobContext);
    expect(executed).toEqual([command]);
  });
});
