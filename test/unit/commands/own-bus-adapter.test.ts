import { container as rootContainer, inject, injectable, type InjectionToken } from 'tsyringe';
import {
  BaseCommand,
  COMMAND_BUS,
  Command,
  EnqueueJobCommand,
  ExecuteCommandJob,
  ExecuteCommandJobHandler,
  handleJobCommand,
  type ICommand,
  type ICommandBus,
  type ResultOf,
} from '../../../src/commands';
import type { JobContext } from '../../../src/handlers';
import { Job, type IJob } from '../../../src/jobs';
import { JOB_SCHEDULER, type IJobScheduler } from '../../../src/scheduler/job-scheduler.interface';
import { OnEvent, Saga, SagaRunner } from '../../../src/sagas';
import { quietLogger } from '../../helpers/logger';

// The "Using your own command bus" adapter of docs/guides/commands-and-sagas.md, compiled and run.

/** A bus the application already had, with its own way of handling commands. */
interface MyBus {
  execute(command: object): Promise<unknown>;
}
const MY_BUS: InjectionToken<MyBus> = Symbol('MyBus');

@injectable()
class MyBusAdapter implements ICommandBus {
  constructor(
    @inject(MY_BUS) private readonly myBus: MyBus,
    @inject(JOB_SCHEDULER) private readonly scheduler: IJobScheduler,
  ) {}

  execute<C extends ICommand>(command: C): Promise<ResultOf<C>> {
    return (
      handleJobCommand(this.scheduler, command) ??
      (this.myBus.execute(command) as Promise<ResultOf<C>>)
    );
  }
}

@Job('own-bus-test.ping')
class PingJob implements IJob {}

@Command('own-bus-test.archive')
class Archive extends BaseCommand<number> {}

class Placed {}

@Saga()
class PingSaga {
  @OnEvent(Placed)
  placed(): ICommand[] {
    return [new EnqueueJobCommand(new PingJob()), new Archive()];
  }
}

describe('an adapter over an existing bus, registered under COMMAND_BUS', () => {
  function setup() {
    const container = rootContainer.createChildContainer();
    const handledByMyBus: object[] = [];
    const enqueued: IJob[] = [];
    container.registerInstance(MY_BUS, {
      execute: async (command: object) => {
        handledByMyBus.push(command);
        return 42;
      },
    });
    container.registerInstance(JOB_SCHEDULER, {
      enqueue: async (job: IJob) => {
        enqueued.push(job);
        return 'job-1';
      },
    } as unknown as IJobScheduler);
    container.registerSingleton(COMMAND_BUS, MyBusAdapter);
    return { container, handledByMyBus, enqueued };
  }

  it('serves sagas: job commands go to the scheduler, the rest to the own bus', async () => {
    const { container, handledByMyBus, enqueued } = setup();
    const outcomes = await SagaRunner.register(container, { sagas: [PingSaga] }).publish(
      new Placed(),
    );
    expect(outcomes.map((outcome) => outcome.result)).toEqual(['job-1', 42]);
    expect(enqueued).toEqual([new PingJob()]);
    expect(handledByMyBus).toEqual([new Archive()]);
  });

  it('serves ExecuteCommandJob', async () => {
    const { container, handledByMyBus } = setup();
    const handler = container.resolve(ExecuteCommandJobHandler);
    await handler.handle(new ExecuteCommandJob(new Archive()), {
      logger: quietLogger(),
    } as JobContext);
    expect(handledByMyBus).toEqual([new Archive()]);
  });
});
