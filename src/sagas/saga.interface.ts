import type { ICommand, ResultOf } from '../commands/command.interface';

/**
 * Constructor of an event class. Events are plain class instances (no marker needed); a
 * saga reaction matches an event with `instanceof`, so it also sees subclasses.
 */
export type EventClass<E extends object = object> = new (...args: never[]) => E;

/** What a saga reaction may return: commands to execute, in order, or nothing. */
export type SagaReaction = ICommand | readonly ICommand[] | null | undefined | void;

/**
 * The one capability a saga reaction gets besides its event: emitting commands. Return the
 * commands when nothing depends on their results; call `emit` when a later command needs an
 * earlier one's result (a scheduled job's id, say).
 */
export interface SagaContext {
  /**
   * Executes `command` through the command bus now and resolves with its typed result.
   * A failure rejects here and is also reported by `publish` (even if the saga catches it).
   */
  emit<C extends ICommand>(command: C): Promise<ResultOf<C>>;
}

/** A saga reaction method: `(event, context) => SagaReaction | Promise<SagaReaction>`. */
export type SagaReactionMethod<E extends object> = (
  event: E,
  context: SagaContext,
) => SagaReaction | Promise<SagaReaction>;

/** One command a saga emitted during `publish`, and what it resolved with. */
export interface SagaOutcome {
  /** The saga class's name. */
  readonly saga: string;
  /** The `@OnEvent` method that emitted the command. */
  readonly method: string;
  /** The command. */
  readonly command: ICommand;
  /** What the bus resolved with. */
  readonly result: unknown;
}
