import { container as rootContainer } from 'tsyringe';
import {
  BaseCommand,
  CommandBus,
  CommandHandler,
  CreateBatchCommand,
  DeleteJobCommand,
  EnqueueJobCommand,
  ScheduleJobCommand,
  type ICommandHandler,
} from '../../../src/commands';

// Its own file: the default list holds every handler decorated in this file's module
// registry, so it must not share a file with deliberately clashing handlers.

class Ping extends BaseCommand<string> {}

@CommandHandler(Ping)
class PingHandler implements ICommandHandler<Ping> {
  async execute(): Promise<string> {
    return 'pong';
  }
}

describe('CommandBus.register with the default handler list', () => {
  it('takes every class decorated with @CommandHandler, Docket’s job-command handlers included', async () => {
    const bus = CommandBus.register(rootContainer.createChildContainer());
    expect(new Set(bus.commandClasses)).toEqual(
      new Set([Ping, EnqueueJobCommand, ScheduleJobCommand, DeleteJobCommand, CreateBatchCommand]),
    );
    expect(await bus.execute(new Ping())).toBe('pong');
    expect(PingHandler.name).toBe('PingHandler');
  });

  it('leaves the job-command handlers out with jobCommands: false', () => {
    const bus = CommandBus.register(rootContainer.createChildContainer(), { jobCommands: false });
    expect(bus.commandClasses).toEqual([Ping]);
  });
});
