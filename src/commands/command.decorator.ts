import 'reflect-metadata';
import { COMMAND_TYPE_METADATA } from '../constants';
import { InvalidOptionsError } from '../errors';
import { JOB_TYPE_NAME_PATTERN } from '../jobs/job.decorator';
import { describeValue } from '../options/option-checks';
import type { CommandClass } from './command.interface';
import { registerCommandType } from './command-type-registry';

/**
 * Gives a command class a stable name, which is what storage records when the command runs
 * in the background (`ExecuteCommandJob`); a class name alone would not survive minifiers
 * or renames. Commands that only ever run in-process need no name.
 *
 * ```ts
 * @Command('orders.cancel-unpaid')
 * export class CancelUnpaidOrder extends BaseCommand<boolean> {
 *   @IsString() orderId!: string;
 * }
 * ```
 *
 * A persisted command is rebuilt like a job payload: its constructor is called with no
 * arguments, then its fields are set; make constructor parameters optional.
 *
 * @param name - 1 to 200 characters: a letter, then letters, digits or `_ . : -`.
 * @throws InvalidOptionsError - when `name` is malformed, or the class already has another name.
 * @throws DuplicateCommandTypeError - when another class already uses `name` (at class
 *   definition, so the clash surfaces at startup).
 */
export function Command(name: string): ClassDecorator {
  if (typeof name !== 'string' || !JOB_TYPE_NAME_PATTERN.test(name)) {
    throw new InvalidOptionsError(
      '@Command name must be 1 to 200 characters: a letter, then letters, digits or _ . : -, ' +
        `got ${describeValue(name)}`,
      { option: 'name' },
    );
  }
  return (target) => {
    const commandClass = target as unknown as CommandClass;
    const existing: unknown = Reflect.getOwnMetadata(COMMAND_TYPE_METADATA, commandClass);
    if (existing !== undefined && existing !== name) {
      throw new InvalidOptionsError(
        `${commandClass.name} is already decorated with @Command('${String(existing)}'); ` +
          `it cannot also be '${name}'`,
        { option: 'name' },
      );
    }
    registerCommandType(name, commandClass);
    Reflect.defineMetadata(COMMAND_TYPE_METADATA, name, commandClass);
  };
}
