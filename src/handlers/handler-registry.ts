import type { DependencyContainer } from 'tsyringe';
import { DuplicateHandlerError, HandlerNotFoundError, InvalidOptionsError } from '../errors';
import type { JobClass } from '../jobs/job.interface';
import { jobTypeOf } from '../jobs/job-type-registry';
import { describeClass } from '../options/option-checks';
import {
  decoratedHandlerClasses,
  jobHandlerMetadataOf,
  type HandlerClass,
  type ResolvedJobHandlerOptions,
} from './job-handler.decorator';

export type { HandlerClass };

/** One job type's handler, as the dispatcher needs it. */
export interface HandlerRegistration {
  /** Stable job type name. */
  readonly jobType: string;
  /** The `@Job` class, to rebuild payloads with. */
  readonly jobClass: JobClass;
  /** The handler class; resolve it from a child container per execution. */
  readonly handlerClass: HandlerClass;
  /** The handler's options, defaults applied. */
  readonly options: ResolvedJobHandlerOptions;
  /**
   * The container already had its own registration for the handler class (a factory, a
   * value, another class): Docket left it as registered.
   */
  readonly registeredByCaller: boolean;
}

/**
 * The map from job types to their handlers, built once at startup from `@JobHandler`
 * classes. Immutable once built.
 */
export class HandlerRegistry {
  private constructor(private readonly byJobType: ReadonlyMap<string, HandlerRegistration>) {}

  /**
   * Builds the registry and registers every handler class in `container` as a transient
   * class provider (`container.register(HandlerClass, { useClass: HandlerClass })`), so
   * that resolving it from a child container per execution yields a fresh instance wired
   * with that child's (scoped) dependencies. A class `container` already has its own
   * registration for is left as registered (the caller chose its provider). Nothing is
   * registered if any class is rejected.
   *
   * @param container - The caller's container; never the global one unless passed.
   * @param handlerClasses - The handlers to register.
   * @defaultValue handlerClasses: every class decorated with `@JobHandler` so far.
   * @throws InvalidOptionsError - for a class not decorated with `@JobHandler`.
   * @throws DuplicateHandlerError - when two classes handle the same job type.
   * @throws UnknownJobTypeError - when a handled class is not (or no longer) a job class.
   */
  static build(
    container: DependencyContainer,
    handlerClasses: readonly HandlerClass[] = decoratedHandlerClasses(),
  ): HandlerRegistry {
    const byJobType = new Map<string, HandlerRegistration>();
    for (const handlerClass of new Set(handlerClasses)) {
      const metadata =
        typeof handlerClass === 'function' ? jobHandlerMetadataOf(handlerClass) : undefined;
      if (metadata === undefined) {
        const what = describeClass(handlerClass);
        throw new InvalidOptionsError(
          `${what} is not a job handler: decorate it with @JobHandler(TheJobClass)`,
          { option: 'handlers' },
        );
      }
      const jobType = jobTypeOf(metadata.jobClass);
      const existing = byJobType.get(jobType);
      if (existing !== undefined) {
        throw new DuplicateHandlerError(jobType, existing.handlerClass.name, handlerClass.name);
      }
      byJobType.set(
        jobType,
        Object.freeze({
          jobType,
          jobClass: metadata.jobClass,
          handlerClass,
          options: metadata.options,
          registeredByCaller: container.isRegistered(handlerClass),
        }),
      );
    }
    for (const { handlerClass, registeredByCaller } of byJobType.values()) {
      if (!registeredByCaller) container.register(handlerClass, { useClass: handlerClass });
    }
    return new HandlerRegistry(byJobType);
  }

  /**
   * This registry without `handlerClass` (the same registry when it is not part of it). Its
   * container registration is left as it is: resolving it stays possible, claiming its jobs
   * does not.
   */
  without(handlerClass: HandlerClass): HandlerRegistry {
    const kept = [...this.byJobType].filter(([, entry]) => entry.handlerClass !== handlerClass);
    return kept.length === this.byJobType.size ? this : new HandlerRegistry(new Map(kept));
  }

  /** The registration for `jobType`, or `undefined` if no handler handles it. */
  get(jobType: string): HandlerRegistration | undefined {
    return this.byJobType.get(jobType);
  }

  /**
   * The registration for `jobType`.
   * @throws HandlerNotFoundError - when no handler handles it.
   */
  require(jobType: string): HandlerRegistration {
    const registration = this.byJobType.get(jobType);
    if (registration === undefined) throw new HandlerNotFoundError(jobType);
    return registration;
  }

  /** Every handled job type, in registration order. */
  jobTypes(): string[] {
    return [...this.byJobType.keys()];
  }

  /** Every registration, in registration order. */
  all(): readonly HandlerRegistration[] {
    return [...this.byJobType.values()];
  }
}
