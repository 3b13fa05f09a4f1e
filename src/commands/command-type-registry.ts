import 'reflect-metadata';
import { COMMAND_TYPE_METADATA } from '../constants';
import { DuplicateCommandTypeError, UnknownCommandTypeError } from '../errors';
import { describeValue } from '../options/option-checks';
import type { CommandClass, ICommand } from './command.interface';

/*
 * The process-wide map from stable command names to command classes, filled by `@Command`
 * at class definition time. Global for the same reason as the job type registry: a stored
 * command names only its type.
 */
const classesByName = new Map<string, CommandClass>();

/**
 * Records `commandClass` under `name`. Recording the same class under the same name again
 * is a no-op.
 * @throws DuplicateCommandTypeError - when another class already holds `name`.
 * @internal Called by `@Command`.
 */
export function registerCommandType(name: string, commandClass: CommandClass): void {
  const existing = classesByName.get(name);
  if (existing !== undefined && existing !== commandClass) {
    throw new DuplicateCommandTypeError(name, existing.name, commandClass.name);
  }
  classesByName.set(name, commandClass);
}

/** The class registered under a stable command name, or `undefined` if none is loaded. */
export function commandClassFor(name: string): CommandClass | undefined {
  return classesByName.get(name);
}

/**
 * The stable name a command class (or instance) was given with `@Command('name')`, or
 * `undefined` when it has none (only its own decoration counts, not a parent's).
 */
export function commandTypeOf(commandOrClass: object): string | undefined {
  const commandClass =
    typeof commandOrClass === 'function' ? commandOrClass : classOf(commandOrClass);
  const name: unknown = Reflect.getOwnMetadata(COMMAND_TYPE_METADATA, commandClass);
  return typeof name === 'string' ? name : undefined;
}

/**
 * The stable name of a command that is to be persisted.
 * @throws UnknownCommandTypeError - when its class is not decorated with `@Command`.
 */
export function requireCommandType(command: ICommand): string {
  const commandClass = commandClassOf(command);
  const name = commandTypeOf(commandClass);
  if (name === undefined) {
    throw new UnknownCommandTypeError(
      `${commandClass.name || 'This anonymous class'} has no stable name, so it cannot be ` +
        "persisted: decorate it with @Command('stable.name')",
    );
  }
  return name;
}

/** How a command class is named in messages: its stable name, else its class name. */
export function describeCommandClass(commandClass: CommandClass): string {
  return commandTypeOf(commandClass) ?? (commandClass.name || 'an anonymous command class');
}

/**
 * The class of a command instance.
 * @throws UnknownCommandTypeError - for null, primitives, arrays and plain objects: a
 *   command is an instance of a class, which is what handlers are registered for.
 */
export function commandClassOf(command: unknown): CommandClass {
  if (typeof command !== 'object' || command === null || Array.isArray(command)) {
    throw new UnknownCommandTypeError(
      `${describeValue(command)} is not a command: pass an instance of a command class`,
    );
  }
  return classOf(command);
}

function classOf(command: object): CommandClass {
  const prototype: unknown = Object.getPrototypeOf(command);
  const ctor: unknown =
    prototype === null ? undefined : (prototype as { constructor?: unknown }).constructor;
  if (prototype === null || ctor === Object || typeof ctor !== 'function') {
    throw new UnknownCommandTypeError(
      'A plain object is not a command: create an instance of a command class',
    );
  }
  return ctor as CommandClass;
}
