import { Transform } from 'class-transformer';
import { IsDefined, IsString, ValidateIf, ValidateNested } from 'class-validator';
import { Job } from '../jobs/job.decorator';
import type { IJob } from '../jobs/job.interface';
import type { ICommand } from './command.interface';
import { requireCommandType } from './command-type-registry';
import { hasValidationRules, rebuildStoredCommand } from './stored-command';

/**
 * A job that runs a command in the background: its handler sends the command through the
 * {@link COMMAND_BUS}. The command is stored under its stable `@Command` name, rebuilt as an
 * instance of its class on the worker and validated with its class-validator rules before
 * it runs.
 *
 * ```ts
 * await scheduler.schedule(new ExecuteCommandJob(new CancelUnpaidOrder(orderId)), { delayMs });
 * ```
 *
 * - At enqueue, the command's rules are part of the job's validation: an invalid command
 *   fails the `enqueue`/`schedule` call with a `JobValidationError` (paths like
 *   `command.orderId`), and nothing is written.
 * - On a worker that has no class for the stored name, the job fails at once (no retries)
 *   with an `UnknownCommandTypeError`.
 * - The command's result is discarded; a handler that throws fails the attempt, and the
 *   job is retried like any other.
 */
@Job('docket.execute-command')
export class ExecuteCommandJob<C extends ICommand = ICommand> implements IJob {
  /** The command's stable `@Command` name. */
  @IsString()
  readonly commandType!: string;

  /** The command: an instance of its class (rebuilt from its stored fields on the worker). */
  @IsDefined()
  @ValidateIf((job: ExecuteCommandJob) => needsValidation(job.command))
  @ValidateNested()
  @Transform(({ obj }) => rebuildStoredCommand(obj.commandType, obj.command), {
    toClassOnly: true,
  })
  readonly command!: C;

  /**
   * @param command - An instance of a class decorated with `@Command('name')`. Omitted only
   *   when Docket rebuilds a stored job.
   * @throws UnknownCommandTypeError - when the command's class has no `@Command` name.
   */
  constructor(command?: C) {
    if (command === undefined) return;
    this.commandType = requireCommandType(command);
    this.command = command;
  }
}

// Anything but an instance of a class without rules is validated: a missing or malformed
// command must fail, a command class that declares no rules has nothing to check.
function needsValidation(command: unknown): boolean {
  return typeof command !== 'object' || command === null || hasValidationRules(command);
}
