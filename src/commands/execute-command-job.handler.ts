import { inject } from 'tsyringe';
import type { JobContext } from '../handlers/job-context';
import { JobHandler } from '../handlers/job-handler.decorator';
import type { IJobHandler } from '../handlers/job-handler.interface';
import { COMMAND_BUS, type ICommandBus } from './command-bus.interface';
import { ExecuteCommandJob } from './execute-command.job';

/**
 * Runs {@link ExecuteCommandJob}s: sends the rebuilt command through the {@link COMMAND_BUS}
 * registered in the container (Docket's `CommandBus`, or an adapter over your own bus).
 *
 * `Docket.create` runs it by default (it is a loaded `@JobHandler` class); when you pass
 * `handlers: [...]` explicitly, add `ExecuteCommandJobHandler` to the list.
 */
@JobHandler(ExecuteCommandJob)
export class ExecuteCommandJobHandler implements IJobHandler<ExecuteCommandJob> {
  constructor(@inject(COMMAND_BUS) private readonly bus: ICommandBus) {}

  async handle(job: ExecuteCommandJob, context: JobContext): Promise<void> {
    context.logger.debug(`executing command '${job.commandType}'`);
    await this.bus.execute(job.command);
  }
}
