import type { DependencyContainer, InjectionToken } from 'tsyringe';
import { COMMAND_BUS, type ICommandBus } from '../commands/command-bus.interface';
import type { ICommand, ResultOf } from '../commands/command.interface';
import { InvalidOptionsError, SagaExecutionError, type SagaFailure } from '../errors';
import { checkKnownKeys, checkPlainObject, describeValue } from '../options/option-checks';
import {
  decoratedSagaClasses,
  isSagaClass,
  sagaReactionsOf,
  type SagaClass,
  type SagaReactionMetadata,
} from './saga.decorators';
import type { SagaContext, SagaOutcome } from './saga.interface';

/** Options of {@link SagaRunner.register}. */
export interface SagaRunnerOptions {
  /**
   * The saga classes that react to published events.
   * @defaultValue every class decorated with `@Saga()` that has been loaded
   */
  readonly sagas?: readonly SagaClass[];
}

/** The container token under which `SagaRunner.register` registers the runner. */
export const SAGA_RUNNER: InjectionToken<SagaRunner> = Symbol.for('docket.SagaRunner');

/**
 * Publishes events to sagas and executes the commands they emit through the
 * {@link COMMAND_BUS} registered in the container (Docket's `CommandBus` or your adapter).
 *
 * Failures are never swallowed: `publish` runs every matching reaction, then rejects with a
 * {@link SagaExecutionError} listing every failure (a reaction that threw, a command that
 * failed) if there was any. A failed command stops the rest of its reaction's commands (they
 * may depend on it), not the other reactions.
 */
export class SagaRunner {
  private constructor(
    private readonly container: DependencyContainer,
    private readonly sagas: readonly SagaClass[],
  ) {}

  /**
   * Builds a runner from saga classes, registers each class in `container` as a transient
   * class provider (unless the container already has its own registration for it), and
   * registers the runner under {@link SAGA_RUNNER}.
   * @throws InvalidOptionsError - for invalid options or a class not decorated with `@Saga()`.
   */
  static register(container: DependencyContainer, options: SagaRunnerOptions = {}): SagaRunner {
    if (typeof (container as DependencyContainer | null)?.createChildContainer !== 'function') {
      throw new InvalidOptionsError('container must be a tsyringe DependencyContainer', {
        option: 'container',
      });
    }
    checkPlainObject('options', options);
    checkKnownKeys('options', options, ['sagas']);
    if (options.sagas !== undefined && !Array.isArray(options.sagas)) {
      throw new InvalidOptionsError(
        `sagas must be an array of @Saga() classes, got ${describeValue(options.sagas)}`,
        { option: 'sagas' },
      );
    }
    const sagas = [...new Set(options.sagas ?? decoratedSagaClasses())];
    for (const sagaClass of sagas) {
      if (!isSagaClass(sagaClass)) {
        const what =
          typeof sagaClass === 'function'
            ? sagaClass.name || 'an anonymous class'
            : describeValue(sagaClass);
        throw new InvalidOptionsError(`${what} is not a saga: decorate it with @Saga()`, {
          option: 'sagas',
        });
      }
    }
    for (const sagaClass of sagas) {
      if (!container.isRegistered(sagaClass)) {
        container.register(sagaClass, { useClass: sagaClass });
      }
    }
    const runner = new SagaRunner(container, Object.freeze(sagas));
    container.registerInstance(SAGA_RUNNER, runner);
    return runner;
  }

  /**
   * Lets every saga reaction whose event class `event` is an instance of react, one after
   * the other (sagas in registration order, reactions in declaration order), and executes
   * the commands each emits, in order. Sagas are resolved from one child container per
   * publish, disposed at the end.
   * @returns Every command executed, with its result.
   * @throws InvalidOptionsError - when `event` is not a class instance.
   * @throws SagaExecutionError - listing every failure, after all reactions ran.
   */
  async publish(event: object): Promise<SagaOutcome[]> {
    if (typeof event !== 'object' || event === null || Array.isArray(event)) {
      throw new InvalidOptionsError(
        `event must be an instance of an event class, got ${describeValue(event)}`,
        { option: 'event' },
      );
    }
    const bus = this.container.resolve(COMMAND_BUS);
    const outcomes: SagaOutcome[] = [];
    const failures: SagaFailure[] = [];
    const child = this.container.createChildContainer();
    try {
      for (const sagaClass of this.sagas) {
        const reactions = sagaReactionsOf(sagaClass).filter(
          (reaction) => event instanceof reaction.eventClass,
        );
        if (reactions.length === 0) continue;
        let saga: object;
        try {
          saga = child.resolve(sagaClass);
        } catch (error) {
          failures.push({ saga: sagaClass.name, method: '(constructor)', error });
          continue;
        }
        for (const reaction of reactions) {
          const run = new ReactionRun(bus, sagaClass.name, reaction, outcomes, failures);
          await run.react(saga, event);
        }
      }
    } finally {
      await child.dispose();
    }
    if (failures.length > 0) throw new SagaExecutionError(event.constructor.name, failures);
    return outcomes;
  }
}

/** One reaction of one saga to one event: the method call and the commands it emits. */
class ReactionRun implements SagaContext {
  private readonly pending = new Set<Promise<unknown>>();

  constructor(
    private readonly bus: ICommandBus,
    private readonly saga: string,
    private readonly reaction: SagaReactionMetadata,
    private readonly outcomes: SagaOutcome[],
    private readonly failures: SagaFailure[],
  ) {}

  emit<C extends ICommand>(command: C): Promise<ResultOf<C>> {
    const executed = this.execute(command);
    this.pending.add(executed);
    // Emits the saga did not await are awaited before the reaction counts as done; their
    // failures are recorded by execute(), so this copy must not become an unhandled rejection.
    executed.then(
      () => this.pending.delete(executed),
      () => this.pending.delete(executed),
    );
    return executed;
  }

  async react(saga: object, event: object): Promise<void> {
    const { method } = this.reaction;
    let returned: unknown;
    try {
      const reactionMethod = (saga as Record<string, unknown>)[method];
      if (typeof reactionMethod !== 'function') {
        throw new TypeError(`${this.saga}.${method} is not a method`);
      }
      returned = await (reactionMethod as (e: object, c: SagaContext) => unknown).call(
        saga,
        event,
        this,
      );
    } catch (error) {
      this.failures.push({ saga: this.saga, method, error });
      await this.settle();
      return;
    }
    await this.settle();
    let commands: readonly unknown[];
    try {
      commands = toCommands(returned, `${this.saga}.${method}`);
    } catch (error) {
      this.failures.push({ saga: this.saga, method, error });
      return;
    }
    for (const command of commands) {
      try {
        await this.emit(command as ICommand);
      } catch {
        return; // recorded by execute(); the commands after it may depend on it
      }
    }
  }

  private async execute<C extends ICommand>(command: C): Promise<ResultOf<C>> {
    try {
      const result = await this.bus.execute(command);
      this.outcomes.push({ saga: this.saga, method: this.reaction.method, command, result });
      return result;
    } catch (error) {
      this.failures.push({ saga: this.saga, method: this.reaction.method, command, error });
      throw error;
    }
  }

  private async settle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }
}

function toCommands(returned: unknown, where: string): readonly unknown[] {
  if (returned === undefined || returned === null) return [];
  if (Array.isArray(returned)) {
    const invalid = returned.findIndex((item) => !isCommandLike(item));
    if (invalid >= 0) {
      throw new TypeError(
        `${where} returned an array whose element ${invalid} is ${describeValue(returned[invalid])}, not a command`,
      );
    }
    return returned;
  }
  if (isCommandLike(returned)) return [returned];
  throw new TypeError(
    `${where} must return a command, an array of commands or nothing, got ${describeValue(returned)}`,
  );
}

function isCommandLike(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
