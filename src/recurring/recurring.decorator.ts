import 'reflect-metadata';
import { RECURRING_METADATA } from '../constants';
import { InvalidOptionsError } from '../errors';
import { isPlainObject, describeValue } from '../options/option-checks';
import { checkRecurringSchedule } from './schedule-check';
import type { RecurringSchedule } from './schedule-shape';
import {
  checkRecurringId,
  resolveRecurringOptions,
  withContext,
  type RecurringOptions,
} from './recurring-options';

/** Options of {@link Recurring}: the recurring options, and the payload of its jobs. */
export interface RecurringDeclarationOptions extends RecurringOptions {
  /**
   * Field values of the job, assigned onto `new JobClass()`; validated and stored when the
   * declaration is applied at startup.
   * @defaultValue `{}`: the job class's own default field values
   */
  payload?: Record<string, unknown>;
}

/** One `@Recurring` declaration, as recorded on the decorated class. */
export interface RecurringDeclaration {
  readonly id: string;
  /** The cron expression or interval. */
  readonly cron: RecurringSchedule;
  /** The options as given, minus `payload` (checked when decorated, resolved when applied). */
  readonly options: RecurringOptions;
  readonly payload: Readonly<Record<string, unknown>>;
}

/** A class that can carry `@Recurring`: a `@Job` or `@JobHandler` class. */
export type RecurringClass = abstract new (...args: never[]) => unknown;

const declaringClasses: RecurringClass[] = [];

/**
 * Declares a recurring job on a `@Job` class (its jobs are instances of it) or on a
 * `@JobHandler` class (its jobs are instances of the handled job class). It only records
 * metadata; the declarations are applied (`addOrUpdateRecurring` for each) when Docket
 * starts, so restarting with the same declarations changes nothing. A class may carry
 * several `@Recurring` decorators with different ids.
 *
 * ```ts
 * @Recurring('reports.nightly', '30 2 * * *', { timeZone: 'Europe/Berlin', payload: { kind: 'daily' } })
 * @Job('reports.build')
 * export class BuildReportJob implements IJob { @IsString() kind = 'daily'; }
 * ```
 *
 * Removing a declaration does not remove the stored recurring job: call `removeRecurring`.
 *
 * @param id - The recurring job id: 1 to 200 characters from `[A-Za-z0-9_.:-]`.
 * @param schedule - A cron expression (5 or 6 fields, seconds first, or an `@` alias, in
 *   cron-parser's syntax) or an interval, `{ everyMs }`.
 * @param options - {@link RecurringOptions} and `payload`.
 * @throws InvalidOptionsError - for a malformed id or option, or an id declared twice on the class.
 * @throws InvalidCronExpressionError - for an invalid cron expression.
 * @throws InvalidOptionsError - for a bad interval.
 */
export function Recurring(
  id: string,
  schedule: RecurringSchedule,
  options: RecurringDeclarationOptions = {},
): ClassDecorator {
  const context = `@Recurring(${describeValue(id)})`;
  const resolved = withContext(context, () => {
    checkRecurringId(id);
    return resolveRecurringOptions(options, ['payload']);
  });
  const { payload = {}, ...recurringOptions } = options;
  if (!isPlainObject(payload)) {
    throw new InvalidOptionsError(
      `${context}: payload must be a plain object of job field values, got ${describeValue(payload)}`,
      { option: 'payload' },
    );
  }
  withContext(context, () => checkRecurringSchedule(schedule, resolved.timeZone));
  return (decorated) => {
    const target = decorated as unknown as RecurringClass;
    const existing = recurringDeclarationsOf(target);
    if (existing.some((declaration) => declaration.id === id)) {
      throw new InvalidOptionsError(
        `${context} is declared twice on ${target.name || 'an anonymous class'}`,
        { option: 'id' },
      );
    }
    const declaration: RecurringDeclaration = Object.freeze({
      id,
      cron: typeof schedule === 'string' ? schedule : Object.freeze({ ...schedule }),
      options: Object.freeze({ ...recurringOptions }),
      payload: Object.freeze({ ...payload }),
    });
    Reflect.defineMetadata(RECURRING_METADATA, [...existing, declaration], target);
    if (!declaringClasses.includes(target)) declaringClasses.push(target);
  };
}

/** The `@Recurring` declarations of a class (its own, not inherited), in declaration order. */
export function recurringDeclarationsOf(target: RecurringClass): readonly RecurringDeclaration[] {
  const declarations: unknown = Reflect.getOwnMetadata(RECURRING_METADATA, target);
  return (declarations as RecurringDeclaration[] | undefined) ?? [];
}

/** Every class decorated with `@Recurring` so far in this process, in decoration order. */
export function decoratedRecurringClasses(): readonly RecurringClass[] {
  return [...declaringClasses];
}
