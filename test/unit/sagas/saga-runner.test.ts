import { container as rootContainer, inject, injectable, Lifecycle, scoped } from 'tsyringe';
import {
  BaseCommand,
  COMMAND_BUS,
  CommandBus,
  CommandHandler,
  type ICommand,
  type CommandHandlerClass,
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

class OrderArchived {
  constructor(readonly orderId: string) {}
}

@Saga()
class ArchivingSaga {
  @OnEvent(OrderArchived)
  archived(event: OrderArchived): ICommand {
    return new Notify(`archived ${event.orderId}`);
  }
}

/** One instance per resolution scope: the same object within one publish. */
@injectable()
@scoped(Lifecycle.ContainerScoped)
class PublishScope {
  disposed = false;
  dispose(): void {
    this.disposed = true;
  }
}

const scopes: PublishScope[] = [];

@Saga()
class ScopedSaga {
  constructor(@inject(PublishScope) private readonly scope: PublishScope) {}

  @OnEvent(OrderShipped)
  first(): void {
    scopes.push(this.scope);
  }

  @OnEvent(OrderShipped)
  second(): void {
    scopes.push(this.scope);
  }
}

@Saga()
class GarbageSagaForShipping {
  @OnEvent(OrderShipped)
  shipped(): ICommand {
    return 42 as unknown as ICommand;
  }
}

function registerError(container: unknown, options: unknown): unknown {
  try {
    SagaRunner.register(container as never, options as never);
  } catch (error) {
    return error;
  }
  throw new Error('expected SagaRunner.register to throw');
}

class SlowNotify extends BaseCommand {
  constructor(readonly text: string) {
    super();
  }
}

/** Finishes a macrotask later: only a runner that waits for it sees it done. */
@CommandHandler(SlowNotify)
class SlowNotifyHandler implements ICommandHandler<SlowNotify> {
  async execute(command: SlowNotify): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    log.push(`slow ${command.text}`);
  }
}

function setup(sagas: readonly SagaClass[], moreHandlers: readonly CommandHandlerClass[] = []) {
  const container = rootContainer.createChildContainer();
  CommandBus.register(container, {
    handlers: [ReserveHandler, NotifyHandler, ExplodeHandler, ...moreHandlers],
    jobCommands: false,
  });
  return { container, runner: SagaRunner.register(container, { sagas }) };
}

beforeEach(() => {
  log.length = 0;
});

describe('SAGA_RUNNER', () => {
  it('is the global symbol docket.SagaRunner, so that copies of the package share it', () => {
    expect(SAGA_RUNNER).toBe(Symbol.for('docket.SagaRunner'));
  });
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

  it.each<[string, unknown, string, string]>([
    [
      'a class that is not a saga',
      { sagas: [class NotASaga {}] },
      'NotASaga is not a saga: decorate it with @Saga()',
      'sagas',
    ],
    [
      'an anonymous class',
      { sagas: [class {}] },
      'an anonymous class is not a saga: decorate it with @Saga()',
      'sagas',
    ],
    [
      'a saga instance',
      { sagas: [new PrioritySaga()] },
      'an instance of PrioritySaga is not a saga: decorate it with @Saga()',
      'sagas',
    ],
    [
      'a saga name',
      { sagas: ['PrioritySaga'] },
      '"PrioritySaga" is not a saga: decorate it with @Saga()',
      'sagas',
    ],
    [
      'sagas that are not an array',
      { sagas: FulfilmentSaga },
      'sagas must be an array of @Saga() classes, got a function',
      'sagas',
    ],
    ['a misspelt option', { saga: [] }, "options has an unknown option 'saga'", 'options.saga'],
    ['options that are not an object', [], 'options must be a plain object', 'options'],
  ])('register refuses %s with InvalidOptionsError', (_label, options, message, option) => {
    const container = rootContainer.createChildContainer();
    const error = registerError(container, options);
    expect(error).toBeInstanceOf(InvalidOptionsError);
    expect((error as Error).message).toContain(message);
    expect(error).toMatchObject({ option });
    // Nothing was registered.
    expect(container.isRegistered(SAGA_RUNNER)).toBe(false);
    expect(container.isRegistered(FulfilmentSaga)).toBe(false);
  });

  it.each<[string, unknown]>([
    ['an object', {}],
    ['null', null],
  ])('register refuses %s as the container', (_label, container) => {
    expect(registerError(container, {})).toMatchObject({
      message: 'container must be a tsyringe DependencyContainer',
      option: 'container',
    });
  });

  it('registers each saga class once, and leaves a provider the caller registered', async () => {
    const container = rootContainer.createChildContainer();
    CommandBus.register(container, {
      handlers: [ReserveHandler, NotifyHandler],
      jobCommands: false,
    });
    const priority = new PrioritySaga();
    container.registerInstance(PrioritySaga, priority);
    SagaRunner.register(container, { sagas: [PrioritySaga, FulfilmentSaga, PrioritySaga] });
    expect(container.resolve(PrioritySaga)).toBe(priority);
    const runner = container.resolve(SAGA_RUNNER);
    await runner.publish(new PriorityOrderPlaced('twice'));
    expect(log.filter((line) => line === 'notify priority twice')).toHaveLength(1);
  });

  it('takes every class decorated with @Saga() by default', async () => {
    const container = rootContainer.createChildContainer();
    CommandBus.register(container, { handlers: [NotifyHandler], jobCommands: false });
    const runner = SagaRunner.register(container);
    expect(container.isRegistered(FulfilmentSaga)).toBe(true);
    expect(container.isRegistered(ArchivingSaga)).toBe(true);
    // Only ArchivingSaga reacts to OrderArchived.
    await runner.publish(new OrderArchived('d1'));
    expect(log).toEqual(['notify archived d1']);
  });

  it('resolves the sagas from one child container per publish, and disposes it', async () => {
    const container = rootContainer.createChildContainer();
    CommandBus.register(container, { handlers: [NotifyHandler], jobCommands: false });
    const runner = SagaRunner.register(container, { sagas: [ScopedSaga] });
    scopes.length = 0;
    await runner.publish(new OrderShipped('a'));
    await runner.publish(new OrderShipped('b'));
    expect(scopes).toHaveLength(4);
    expect(scopes[0]).toBe(scopes[1]);
    expect(scopes[2]).toBe(scopes[3]);
    expect(scopes[0]).not.toBe(scopes[2]);
    expect(scopes.every((scope) => scope.disposed)).toBe(true);
  });

  it('publish refuses values that are not events', async () => {
    const { runner } = setup([FulfilmentSaga]);
    for (const [event, described] of [
      [null, 'null'],
      ['OrderPlaced', '"OrderPlaced"'],
      [[new OrderPlaced('x')], 'an array of length 1'],
    ] as const) {
      const error = await runner.publish(event as never).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidOptionsError);
      expect(error).toMatchObject({
        message: `event must be an instance of an event class, got ${described}`,
        option: 'event',
      });
    }
    expect(log).toEqual([]);
  });
});

describe('SagaRunner reports what goes wrong around a reaction', () => {
  const UNAVAILABLE = Symbol('Unavailable');

  @Saga()
  class UnresolvableSaga {
    constructor(@inject(UNAVAILABLE) readonly dependency: unknown) {}

    @OnEvent(OrderShipped)
    shipped(event: OrderShipped): ICommand {
      return new Notify(`unresolvable ${event.orderId}`);
    }
  }

  @Saga()
  class ArraySaga {
    @OnEvent(OrderShipped)
    shipped(event: OrderShipped): ICommand[] {
      return [new Notify(`one ${event.orderId}`), 'two' as unknown as ICommand];
    }
  }

  @Saga()
  class NestedArraySaga {
    @OnEvent(OrderShipped)
    shipped(): ICommand[] {
      return [[new Notify('nested')] as unknown as ICommand];
    }
  }

  @Saga()
  class NothingSaga {
    @OnEvent(OrderShipped)
    shipped(): null {
      return null;
    }
  }

  @Saga()
  class EmitThenThrowSaga {
    @OnEvent(OrderShipped)
    shipped(event: OrderShipped, saga: SagaContext): ICommand {
      void saga.emit(new SlowNotify(event.orderId));
      throw new Error('after the emit');
    }
  }

  @Saga()
  class UnawaitedSaga {
    @OnEvent(OrderShipped)
    shipped(event: OrderShipped, saga: SagaContext): void {
      void saga.emit(new SlowNotify(event.orderId));
    }
  }

  @Saga()
  class NullInArraySaga {
    @OnEvent(OrderShipped)
    shipped(): ICommand[] {
      return [null as unknown as ICommand];
    }
  }

  const failuresOf = async (sagas: readonly SagaClass[], event: object) => {
    const { runner } = setup(sagas, [SlowNotifyHandler]);
    const error = await runner.publish(event).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SagaExecutionError);
    return (error as SagaExecutionError).failures;
  };

  it('a saga that cannot be resolved fails as its constructor, and the others still run', async () => {
    const failures = await failuresOf([UnresolvableSaga, FulfilmentSaga], new OrderShipped('u1'));
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ saga: 'UnresolvableSaga', method: '(constructor)' });
    expect(failures[0].error).toBeInstanceOf(Error);
    expect(log).toEqual(['notify shipped u1']);
  });

  it('a saga resolved to an object without the reaction method fails that reaction', async () => {
    const { container, runner } = setup([PrioritySaga]);
    container.registerInstance(PrioritySaga, {} as PrioritySaga);
    const error = (await runner
      .publish(new PriorityOrderPlaced('m1'))
      .catch((e: unknown) => e)) as SagaExecutionError;
    expect(error.failures).toHaveLength(1);
    expect(error.failures[0]).toMatchObject({ saga: 'PrioritySaga', method: 'priority' });
    expect(error.failures[0].error).toEqual(new TypeError('PrioritySaga.priority is not a method'));
  });

  it('an array holding something other than commands fails before any is executed', async () => {
    const failures = await failuresOf([ArraySaga], new OrderShipped('a1'));
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ saga: 'ArraySaga', method: 'shipped' });
    expect(failures[0].error).toEqual(
      new TypeError('ArraySaga.shipped returned an array whose element 1 is "two", not a command'),
    );
    expect(log).toEqual([]);
  });

  it('an array is not a command', async () => {
    const failures = await failuresOf([NestedArraySaga], new OrderShipped('n1'));
    expect(failures[0].error).toEqual(
      new TypeError(
        'NestedArraySaga.shipped returned an array whose element 0 is an array of length 1, not a command',
      ),
    );
  });

  it('names what a reaction returned that is not a command', async () => {
    const failures = await failuresOf([GarbageSagaForShipping], new OrderShipped('g2'));
    expect(failures[0].error).toEqual(
      new TypeError(
        'GarbageSagaForShipping.shipped must return a command, an array of commands or nothing, got 42',
      ),
    );
  });

  it('null, like undefined, is no command', async () => {
    const { runner } = setup([NothingSaga]);
    await expect(runner.publish(new OrderShipped('z1'))).resolves.toEqual([]);
  });

  it('waits for what a throwing reaction emitted before it threw', async () => {
    const failures = await failuresOf([EmitThenThrowSaga], new OrderShipped('e1'));
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ saga: 'EmitThenThrowSaga', method: 'shipped' });
    expect(log).toEqual(['slow e1']);
  });

  it('waits for an emit the reaction did not await, however long it takes', async () => {
    const { runner } = setup([UnawaitedSaga], [SlowNotifyHandler]);
    const outcomes = await runner.publish(new OrderShipped('w1'));
    expect(log).toEqual(['slow w1']);
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]).toMatchObject({ saga: 'UnawaitedSaga', method: 'shipped' });
    expect(outcomes[0].command).toBeInstanceOf(SlowNotify);
  });

  it('null in an array is not a command', async () => {
    const failures = await failuresOf([NullInArraySaga], new OrderShipped('n2'));
    expect(failures[0].error).toEqual(
      new TypeError(
        'NullInArraySaga.shipped returned an array whose element 0 is null, not a command',
      ),
    );
  });
});
