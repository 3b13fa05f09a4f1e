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
 * With the default handler list, servers run it when the container has a
 * {@link COMMAND_BUS} at `startServer` (`CommandBus.register`, before or after
 * `Docket.create`); an app without commands neither needs a bus nor claims command jobs.
 * When you pass `handlers: [...]` explicitly, add `ExecuteCommandJobHandler` to the list,
 * and `startServer` fails with an `UnresolvableDependencyError` if no bus is registered.
 */
@JobHandler(ExecuteCommandJob)
export class ExecuteCommandJobHandler implements IJobHandler<ExecuteCommandJob> {
  constructor(@inject(COMMAND_BUS) private readonly bus: ICommandBus) {}

  async handle(job: ExecuteCommandJob, context: JobContext): Promise<void> {
    context.logger.debug(`executing command '${job.commandType}'`);
    await this.bus.execute(job.command);
  }
}
