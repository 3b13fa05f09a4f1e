import { container as rootContainer, inject, injectable } from 'tsyringe';
import {
  BaseCommand,
  COMMAND_BUS,
  CommandBus,
  CommandHandler,
  type ICommand,
  type ICommandHandler,
} from '../../../src/commands';
import {
  CommandHandlerNotFoundError,
  InvalidOptionsError,
  SagaExecutionError,
} from '../../../src/errors';
import {
  OnEvent,
  SAGA_RUNNER,
  Saga,
  SagaRunner,
  decoratedSagaClasses,
  sagaReactionsOf,
  type SagaClass,
  type SagaContext,
} from '../../../src/sagas';

// Events
class OrderPlaced {
  constructor(readonly orderId: string) {}
}
class PriorityOrderPlaced extends OrderPlaced {}
class OrderShipped {
  constructor(readonly orderId: string) {}
}

// Commands
class Reserve extends BaseCommand<string> {
  constructor(readonly orderId: string) {
    super();
  }
}
class Notify extends BaseCommand {
  constructor(readonly text: string) {
    super();
  }
}
class Explode extends BaseCommand {}
class NobodyHandlesMe extends BaseCommand {}

const log: string[] = [];

@CommandHandler(Reserve)
class ReserveHandler implements ICommandHandler<Reserve> {
  async execute(command: Reserve): Promise<string> {
    log.push(`reserve ${command.orderId}`);
    return `reservation-${command.orderId}`;
  }
}

@CommandHandler(Notify)
class NotifyHandler implements ICommandHandler<Notify> {
  async execute(command: Notify): Promise<void> {
    log.push(`notify ${command.text}`);
  }
}

const explosion = new Error('boom');

@CommandHandler(Explode)
class ExplodeHandler implements ICommandHandler<Explode> {
  async execute(): Promise<void> {
    log.push('explode');
    throw explosion;
  }
}

@injectable()
class Clock {
  readonly label = 'clock';
}

@Saga()
class FulfilmentSaga {
  constructor(@inject(Clock) private readonly clock: Clock) {}

  @OnEvent(OrderPlaced)
  placed(event: OrderPlaced): ICommand[] {
    return [
      new Reserve(event.orderId),
      new Notify(`placed ${event.orderId} (${this.clock.label})`),
    ];
  }

  @OnEvent(OrderShipped)
  async shipped(event: OrderShipped): Promise<ICommand> {
    return new Notify(`shipped ${event.orderId}`);
  }
}

@Saga()
class ChainingSaga {
  @OnEvent(OrderPlaced)
  async placed(event: OrderPlaced, saga: SagaContext): Promise<void> {
    const reservation = await saga.emit(new Reserve(`${event.orderId}-again`));
    const typed: string = reservation;
    await saga.emit(new Notify(`got ${typed}`));
  }
}

@Saga()
class PrioritySaga {
  @OnEvent(PriorityOrderPlaced)
  priority(event: PriorityOrderPlaced): ICommand {
    return new Notify(`priority ${event.orderId}`);
  }
}

function setup(sagas: readonly SagaClass[]) {
  const container = rootContainer.createChildContainer();
  CommandBus.register(container, {
    handlers: [ReserveHandler, NotifyHandler, ExplodeHandler],
    jobCommands: false,
  });
  return { container, runner: SagaRunner.register(container, { sagas }) };
}

beforeEach(() => {
  log.length = 0;
});

describe('@Saga and @OnEvent', () => {
  it('record the reactions of a saga class, in declaration order', () => {
    expect(sagaReactionsOf(FulfilmentSaga)).toEqual([
      { eventClass: OrderPlaced, method: 'placed' },
      { eventClass: OrderShipped, method: 'shipped' },
    ]);
    expect(decoratedSagaClasses()).toEqual(expect.arrayContaining([FulfilmentSaga, ChainingSaga]));
  });

  it('refuse a saga without reactions, a missing event class and a second @Saga', () => {
    expect(() => {
      @Saga()
      class Empty {}
      void Empty;
    }).toThrow(/at least one method decorated with @OnEvent/);
    expect(() => {
      class Circular {
        @OnEvent(undefined as never)
        react(): void {}
      }
      void Circular;
    }).toThrow(/circular import/);
    expect(() => Saga()(FulfilmentSaga)).toThrow(/already decorated with @Saga/);
  });
});

describe('SagaRunner', () => {
  it('runs the matching reactions and executes their commands in order', async () => {
    const { runner } = setup([FulfilmentSaga, ChainingSaga]);
    const outcomes = await runner.publish(new OrderPlaced('o1'));
    expect(log).toEqual([
      'reserve o1',
      'notify placed o1 (clock)',
      'reserve o1-again',
      'notify got reservation-o1-again',
    ]);
    expect(outcomes.map((o) => [o.saga, o.method, o.command.constructor.name, o.result])).toEqual([
      ['FulfilmentSaga', 'placed', 'Reserve', 'reservation-o1'],
      ['FulfilmentSaga', 'placed', 'Notify', undefined],
      ['ChainingSaga', 'placed', 'Reserve', 'reservation-o1-again'],
      ['ChainingSaga', 'placed', 'Notify', undefined],
    ]);
  });

  it('matches events with instanceof, so subclasses reach their parents’ reactions', async () => {
    const { runner } = setup([FulfilmentSaga, PrioritySaga]);
    await runner.publish(new PriorityOrderPlaced('p1'));
    expect(log).toEqual(['reserve p1', 'notify placed p1 (clock)', 'notify priority p1']);
    log.length = 0;
    await runner.publish(new OrderPlaced('o2'));
    expect(log).toEqual(['reserve o2', 'notify placed o2 (clock)']);
  });

  it('resolves with no outcomes when no saga reacts', async () => {
    const { runner } = setup([PrioritySaga]);
    expect(await runner.publish(new OrderShipped('s1'))).toEqual([]);
  });

  it('registers itself under SAGA_RUNNER and uses the COMMAND_BUS of its container', async () => {
    const container = rootContainer.createChildContainer();
    const executed: ICommand[] = [];
    container.registerInstance(COMMAND_BUS, {
      execute: async (command: ICommand) => {
        executed.push(command);
        return 'from my bus' as never;
      },
    });
    const runner = SagaRunner.register(container, { sagas: [FulfilmentSaga] });
    expect(container.resolve(SAGA_RUNNER)).toBe(runner);
    const outcomes = await runner.publish(new OrderShipped('s2'));
    expect(executed).toEqual([new Notify('shipped s2')]);
    expect(outcomes[0].result).toBe('from my bus');
  });

  describe('failures are reported, never swallowed', () => {
    @Saga()
    class FailingCommandSaga {
      @OnEvent(OrderPlaced)
      placed(): ICommand[] {
        return [new Notify('before'), new Explode(), new Notify('never sent')];
      }
    }

    @Saga()
    class ThrowingSaga {
      @OnEvent(OrderPlaced)
      placed(): ICommand {
        throw new TypeError('saga bug');
      }
    }

    @Saga()
    class CatchingSaga {
      @OnEvent(OrderPlaced)
      async placed(_event: OrderPlaced, saga: SagaContext): Promise<void> {
        await saga.emit(new NobodyHandlesMe()).catch(() => undefined);
      }
    }

    @Saga()
    class ForgetfulSaga {
      @OnEvent(OrderPlaced)
      placed(_event: OrderPlaced, saga: SagaContext): void {
        void saga.emit(new Explode());
      }
    }

    @Saga()
    class GarbageSaga {
      @OnEvent(OrderPlaced)
      placed(): ICommand {
        return 'not a command' as unknown as ICommand;
      }
    }

    it('rejects with one SagaExecutionError listing every failure, after every reaction ran', async () => {
      const { runner } = setup([FailingCommandSaga, ThrowingSaga, FulfilmentSaga]);
      const error = await runner.publish(new OrderPlaced('f1')).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SagaExecutionError);
      const { failures, eventType, cause } = error as SagaExecutionError;
      expect(eventType).toBe('OrderPlaced');
      expect(failures).toHaveLength(2);
      expect(failures[0]).toMatchObject({
        saga: 'FailingCommandSaga',
        method: 'placed',
        error: explosion,
      });
      expect(failures[0].command).toBeInstanceOf(Explode);
      expect(failures[1]).toMatchObject({ saga: 'ThrowingSaga', method: 'placed' });
      expect(failures[1].command).toBeUndefined();
      expect(failures[1].error).toBeInstanceOf(TypeError);
      expect(cause).toBe(explosion);
      expect((error as Error).message).toMatch(
        /2 saga failures reacting to OrderPlaced: FailingCommandSaga.placed emitted Explode, which failed: Error: boom; ThrowingSaga.placed threw: TypeError: saga bug/,
      );
      // A failed command stops the rest of its reaction, not the other sagas.
      expect(log).toEqual(['notify before', 'explode', 'reserve f1', 'notify placed f1 (clock)']);
    });

    it('reports a failed emit even when the saga caught it', async () => {
      const { runner } = setup([CatchingSaga]);
      const error = (await runner
        .publish(new OrderPlaced('c1'))
        .catch((e: unknown) => e)) as SagaExecutionError;
      expect(error).toBeInstanceOf(SagaExecutionError);
      expect(error.failures[0].error).toBeInstanceOf(CommandHandlerNotFoundError);
    });

    it('waits for emits the saga did not await, and reports their failures', async () => {
      const { runner } = setup([ForgetfulSaga]);
      const error = (await runner
        .publish(new OrderPlaced('u1'))
        .catch((e: unknown) => e)) as SagaExecutionError;
      expect(error).toBeInstanceOf(SagaExecutionError);
      expect(error.failures[0].error).toBe(explosion);
      expect(log).toEqual(['explode']);
    });

    it('reports a reaction that returns something other than commands', async () => {
      const { runner } = setup([GarbageSaga]);
      const error = (await runner
        .publish(new OrderPlaced('g1'))
        .catch((e: unknown) => e)) as SagaExecutionError;
      expect(error.failures[0].error).toBeInstanceOf(TypeError);
      expect(String(error.failures[0].error)).toMatch(
        /must return a command, an array of commands or nothing/,
      );
    });
  });

  it.each([
    ['a class that is not a saga', { sagas: [class NotASaga {}] }, /NotASaga is not a saga/],
    ['sagas that are not an array', { sagas: FulfilmentSaga }, /sagas must be an array/],
    ['a misspelt option', { saga: [] }, /unknown option 'saga'/],
  ])('register refuses %s with InvalidOptionsError', (_label, options, message) => {
    const container = rootContainer.createChildContainer();
    expect(() => SagaRunner.register(container, options as never)).toThrow(InvalidOptionsError);
    expect(() => SagaRunner.register(container, options as never)).toThrow(message);
  });

  it('publish refuses values that are not events', async () => {
    const { runner } = setup([FulfilmentSaga]);
    await expect(runner.publish(null as never)).rejects.toBeInstanceOf(InvalidOptionsError);
    await expect(runner.publish('OrderPlaced' as never)).rejects.toBeInstanceOf(
      InvalidOptionsError,
    );
  });
});
