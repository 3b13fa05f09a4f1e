/**
 * Type-level key of a command's result type. Declared, never defined: it exists only for
 * the compiler, so no command instance (and no stored payload) ever carries it.
 */
declare const COMMAND_RESULT: unique symbol;

/**
 * Marker interface of a command: a request to change something, handled by exactly one
 * `ICommandHandler`. `R` is what executing it resolves with; extend {@link BaseCommand} to
 * declare it, so that `bus.execute(command)` is typed without annotations.
 *
 * A command that must be persisted (run in the background by `ExecuteCommandJob`) also
 * needs a stable name: decorate its class with `@Command('stable.name')`.
 */
export interface ICommand<R = unknown> {
  /** Phantom: carries `R` for the compiler; never present at runtime. */
  readonly [COMMAND_RESULT]?: R;
}

/**
 * Base class of typed commands: `class CancelOrder extends BaseCommand<boolean> { ... }`
 * makes `bus.execute(new CancelOrder(id))` a `Promise<boolean>`. It adds nothing at runtime
 * (no field, no constructor logic), so it changes nothing in a stored command.
 * @typeParam R - What the command's handler resolves with; `void` when omitted.
 */
export abstract class BaseCommand<R = void> implements ICommand<R> {
  declare readonly [COMMAND_RESULT]?: R;
}

/**
 * What executing a command of type `C` resolves with: the `R` of its `BaseCommand<R>` /
 * `ICommand<R>`, `unknown` when it declares none.
 */
export type ResultOf<C> = C extends ICommand<infer R> ? R : unknown;

/**
 * Constructor of a command class. The parameters are typed `never[]` so that any class,
 * whatever its constructor takes, is assignable.
 */
export type CommandClass<C extends ICommand = ICommand> = new (...args: never[]) => C;
