import 'reflect-metadata';
import { JOB_TYPE_METADATA } from '../constants';
import { InvalidOptionsError } from '../errors';
import { describeValue } from '../options/option-checks';
import type { JobClass } from './job.interface';
import { registerJobType } from './job-type-registry';

/** What a job type name may be: a letter, then up to 199 of `[A-Za-z0-9_.:-]`. */
export const JOB_TYPE_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_.:-]{0,199}$/;

/**
 * Declares a class as a job and gives it a stable type name, which is what storage records
 * (never the class name, which minifiers rename). Use a name you will keep: renaming it
 * orphans the jobs already stored under the old one.
 *
 * ```ts
 * @Job('email.send')
 * export class SendEmailJob implements IJob { @IsEmail() to!: string; }
 * ```
 *
 * Decorating the same class twice with the same name is a no-op.
 * @param name - 1 to 200 characters: a letter, then letters, digits or `_ . : -`.
 * @throws InvalidOptionsError - when `name` is malformed, or the class already has another name.
 * @throws DuplicateJobTypeError - when another class already uses `name`; thrown when the
 *   class is defined, so the clash surfaces at startup.
 */
export function Job(name: string): ClassDecorator {
  if (typeof name !== 'string' || !JOB_TYPE_NAME_PATTERN.test(name)) {
    throw new InvalidOptionsError(
      '@Job name must be 1 to 200 characters: a letter, then letters, digits or _ . : -, ' +
        `got ${describeValue(name)}`,
      { option: 'name' },
    );
  }
  return (target) => {
    const jobClass = target as unknown as JobClass;
    const existing: unknown = Reflect.getOwnMetadata(JOB_TYPE_METADATA, jobClass);
    if (existing !== undefined && existing !== name) {
      throw new InvalidOptionsError(
        `${jobClass.name} is already decorated with @Job('${String(existing)}'); ` +
          `it cannot also be '${name}'`,
        { option: 'name' },
      );
    }
    registerJobType(name, jobClass);
    Reflect.defineMetadata(JOB_TYPE_METADATA, name, jobClass);
  };
}
