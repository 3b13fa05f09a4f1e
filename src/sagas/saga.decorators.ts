import 'reflect-metadata';
import { injectable } from 'tsyringe';
import { SAGA_METADATA, SAGA_REACTIONS_METADATA } from '../constants';
import { InvalidOptionsError } from '../errors';
import { describeValue } from '../options/option-checks';
import type { EventClass, SagaReactionMethod } from './saga.interface';

/** Constructor of a saga class, whatever its (injected) constructor parameters. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tsyringe's InjectionToken takes `new (...args: any[])`
export type SagaClass = new (...args: any[]) => object;

/** One `@OnEvent` reaction of a saga class. */
export interface SagaReactionMetadata {
  readonly eventClass: EventClass;
  readonly method: string;
}

const sagaClasses: SagaClass[] = [];

/**
 * Declares a class as a saga: it reacts to events (methods decorated with `@OnEvent`) and
 * may only emit commands. It only records metadata (and makes the class injectable);
 * `SagaRunner.register(container)` registers the decorated classes in your container.
 *
 * ```ts
 * @Saga()
 * export class OrderSaga {
 *   @OnEvent(PaymentReceived)
 *   paid(event: PaymentReceived): ICommand {
 *     return new DeleteJobCommand(event.paymentTimeoutJobId);
 *   }
 * }
 * ```
 * @throws InvalidOptionsError - when the class has no `@OnEvent` method or is already a saga.
 */
export function Saga(): ClassDecorator {
  return (target) => {
    const sagaClass = target as unknown as SagaClass;
    const name = sagaClass.name || 'an anonymous class';
    if (Reflect.getOwnMetadata(SAGA_METADATA, sagaClass) !== undefined) {
      throw new InvalidOptionsError(`${name} is already decorated with @Saga()`, {
        option: 'saga',
      });
    }
    if (sagaReactionsOf(sagaClass).length === 0) {
      throw new InvalidOptionsError(
        `@Saga() on ${name}: a saga needs at least one method decorated with @OnEvent(EventClass)`,
        { option: 'saga' },
      );
    }
    injectable()(sagaClass);
    Reflect.defineMetadata(SAGA_METADATA, true, sagaClass);
    sagaClasses.push(sagaClass);
  };
}

/**
 * Declares a saga method as the reaction to events of `eventClass` (and its subclasses).
 * The method receives the event and a {@link SagaContext}; it returns the commands to
 * execute (one, an array, or nothing), or a promise of them. The compiler checks that the
 * method takes this event class.
 * @throws InvalidOptionsError - when `eventClass` is not a class (`undefined` with circular
 *   imports).
 */
export function OnEvent<E extends object>(
  eventClass: EventClass<E>,
): <M extends SagaReactionMethod<E>>(
  target: object,
  method: string | symbol,
  descriptor: TypedPropertyDescriptor<M>,
) => void {
  return (target, method) => {
    const sagaClass = target.constructor;
    if (typeof eventClass !== 'function') {
      throw new InvalidOptionsError(
        `@OnEvent on ${sagaClass.name}.${String(method)} needs an event class, got ` +
          `${describeValue(eventClass)} (is there a circular import?)`,
        { option: 'eventClass' },
      );
    }
    if (typeof method !== 'string') {
      throw new InvalidOptionsError(
        `@OnEvent on ${sagaClass.name}: a reaction must be a method with a string name`,
        { option: 'method' },
      );
    }
    const reactions = [...sagaReactionsOf(sagaClass), Object.freeze({ eventClass, method })];
    Reflect.defineMetadata(SAGA_REACTIONS_METADATA, Object.freeze(reactions), sagaClass);
  };
}

/** Every class decorated with `@Saga()` so far in this process, in decoration order. */
export function decoratedSagaClasses(): readonly SagaClass[] {
  return [...sagaClasses];
}

/** Whether a class is decorated with `@Saga()` (its own decoration). */
export function isSagaClass(sagaClass: unknown): sagaClass is SagaClass {
  return (
    typeof sagaClass === 'function' && Reflect.getOwnMetadata(SAGA_METADATA, sagaClass) === true
  );
}

/** The `@OnEvent` reactions of a class, in declaration order (own ones only). */
export function sagaReactionsOf(sagaClass: object): readonly SagaReactionMetadata[] {
  const reactions: unknown = Reflect.getOwnMetadata(SAGA_REACTIONS_METADATA, sagaClass);
  return (reactions as readonly SagaReactionMetadata[] | undefined) ?? [];
}
