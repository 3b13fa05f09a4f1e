import { getMetadataStorage } from 'class-validator';
import { UnknownCommandTypeError } from '../errors';
import { fromStoredPayload } from '../jobs/job-payload';
import { isPlainObject } from '../options/option-checks';
import type { ICommand } from './command.interface';
import { commandClassFor } from './command-type-registry';

/**
 * Rebuilds a stored command as an instance of the class registered under `commandType`,
 * with the same machinery as job payloads (`fromStoredPayload`: BSON values restored, nested
 * `@Type` declarations honoured, constructor called with no arguments).
 *
 * A value that is not a document is returned as it is, for validation to report.
 * @throws UnknownCommandTypeError - when no class loaded in this process has that name. It
 *   is thrown while the job's payload is loaded, so the job fails at once, without retries:
 *   the same process would fail the same way on every attempt.
 */
export function rebuildStoredCommand(commandType: unknown, stored: unknown): unknown {
  if (typeof commandType !== 'string' || !isPlainObject(stored)) return stored;
  const commandClass = commandClassFor(commandType);
  if (commandClass === undefined) {
    throw new UnknownCommandTypeError(
      `Command type '${commandType}' is not known to this process: decorate a class with ` +
        `@Command('${commandType}') and load its module in every worker that runs ` +
        'ExecuteCommandJob',
      { commandType },
    );
  }
  return fromStoredPayload(commandClass, stored) as ICommand;
}

/**
 * Whether a command instance's class declares class-validator rules (its own or inherited).
 * A command without rules is valid as it is; validating it as a nested value would report
 * it as an "unknown value" instead.
 */
export function hasValidationRules(command: object): boolean {
  return (
    getMetadataStorage().getTargetValidationMetadatas(command.constructor, '', false, false)
      .length > 0
  );
}
