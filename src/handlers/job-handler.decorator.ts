import 'reflect-metadata';
import { injectable } from 'tsyringe';
import { JOB_HANDLER_METADATA } from '../constants';
import { InvalidOptionsError } from '../errors';
import type { IJob, JobClass } from '../jobs/job.interface';
import { jobTypeOf } from '../jobs/job-type-registry';
import { describeValue } from '../options/option-checks';
import {
  resolveJobHandlerOptions,
  type JobHandlerOptions,
  type ResolvedJobHandlerOptions,
} from './job-handler-options';
import type { IJobHandler } from './job-handler.interface';

export {
  HANDLER_DEFAULTS,
  type BackoffOptions,
  type JobHandlerOptions,
  type ResolvedBackoffOptions,
  type ResolvedJobHandlerOptions,
} from './job-handler-options';

/**
 * Constructor of a handler class, whatever its (injected) constructor parameters. It is
 * tsyringe's own `constructor<T>` shape, so it can be passed to `container.resolve` as is.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tsyringe's InjectionToken takes `new (...args: any[])`; a `never[]` signature would not be accepted by `container.resolve`
export type HandlerClass = new (...args: any[]) => IJobHandler<IJob, unknown>;

/** What `@JobHandler` records on a handler class. */
export interface JobHandlerMetadata {
  readonly jobClass: JobClass;
  readonly options: ResolvedJobHandlerOptions;
}

const handlerClasses: HandlerClass[] = [];

/**
 * Declares a class as the handler of a job class. It only records metadata (and makes the
 * class injectable with tsyringe); `HandlerRegistry.build(container)` registers the
 * decorated classes in your container.
 *
 * ```ts
 * @JobHandler(SendEmailJob, { retries: 5, timeoutMs: 60_000 })
 * export class SendEmailHandler implements IJobHandler<SendEmailJob> {
 *   constructor(@inject(MAILER) private readonly mailer: Mailer) {}
 *   async handle(job: SendEmailJob, context: JobContext) { ... }
 * }
 * ```
 *
 * @param jobClass - The `@Job`-decorated class this handler runs.
 * @param options - Retries, timeout, concurrency and backoff; see {@link JobHandlerOptions}.
 * @throws InvalidOptionsError - when an option is invalid, `jobClass` is not a class (it is
 *   `undefined` with circular imports), or the class is already a handler.
 * @throws UnknownJobTypeError - when `jobClass` is not decorated with `@Job`.
 */
export function JobHandler<T extends IJob>(
  jobClass: JobClass<T>,
  options?: JobHandlerOptions<T>,
): ClassDecorator {
  return (target) => {
    const handlerClass = target as unknown as HandlerClass;
    const handlerName = handlerClass.name || 'an anonymous class';
    if (typeof jobClass !== 'function') {
      throw new InvalidOptionsError(
        `@JobHandler on ${handlerName} needs a job class, got ${describeValue(jobClass)} ` +
          '(is there a circular import?)',
        { option: 'jobClass' },
      );
    }
    jobTypeOf(jobClass);
    if (Reflect.getOwnMetadata(JOB_HANDLER_METADATA, handlerClass) !== undefined) {
      throw new InvalidOptionsError(
        `${handlerName} is already decorated with @JobHandler: a class handles one job type`,
        { option: 'jobClass' },
      );
    }
    let resolved: ResolvedJobHandlerOptions;
    try {
      resolved = resolveJobHandlerOptions(options);
    } catch (error) {
      if (!(error instanceof InvalidOptionsError)) throw error;
      throw new InvalidOptionsError(`@JobHandler on ${handlerName}: ${error.message}`, {
        option: error.option,
        cause: error,
      });
    }
    injectable()(handlerClass);
    const metadata: JobHandlerMetadata = Object.freeze({ jobClass, options: resolved });
    Reflect.defineMetadata(JOB_HANDLER_METADATA, metadata, handlerClass);
    handlerClasses.push(handlerClass);
  };
}

/**
 * Every class decorated with `@JobHandler` so far in this process, in decoration order.
 * A handler is listed once its module has been loaded.
 */
export function decoratedHandlerClasses(): readonly HandlerClass[] {
  return [...handlerClasses];
}

/**
 * The `@JobHandler` metadata of a class, or `undefined` if it is not decorated (a subclass
 * of a handler is not a handler until decorated itself).
 */
export function jobHandlerMetadataOf(handlerClass: HandlerClass): JobHandlerMetadata | undefined {
  const metadata: unknown = Reflect.getOwnMetadata(JOB_HANDLER_METADATA, handlerClass);
  return metadata as JobHandlerMetadata | undefined;
}
