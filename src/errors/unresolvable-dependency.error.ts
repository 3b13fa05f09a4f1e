import { DocketError } from './docket-error';

/**
 * Why a constructor parameter cannot be resolved:
 * - `unregistered`: a string or symbol token that no registration in the container (or its
 *   parents) provides;
 * - `not-constructible`: a class that is neither registered nor constructible by tsyringe
 *   (its constructor takes parameters, and no `@injectable()` recorded their types);
 * - `no-token`: no `@inject` token, and a reflected type tsyringe cannot construct (`Object`
 *   for an interface, a type alias or a union; `String`, `Number`... for primitives);
 * - `undefined-type`: the reflected type or the token is `undefined` when the decorators ran
 *   (a circular import).
 */
export type UnresolvableDependencyReason =
  'unregistered' | 'not-constructible' | 'no-token' | 'undefined-type';

/** What {@link UnresolvableDependencyError} reports, besides the handler. */
export interface UnresolvableDependency {
  /** The token as a person reads it: `'mailer'`, `Symbol(Mailer)`, `SmtpClient`, `Object`. */
  readonly token: string;
  /** 0-based index of the constructor parameter, in the last class of `dependencyPath`. */
  readonly parameterIndex: number;
  /**
   * Class names from the handler to the class whose parameter fails, e.g.
   * `['SendEmailHandler', 'SmtpMailer']`; just the handler for its own parameters.
   */
  readonly dependencyPath: readonly string[];
  /** Why the parameter cannot be resolved. */
  readonly reason: UnresolvableDependencyReason;
}

const PROBLEMS: Record<UnresolvableDependencyReason, (token: string) => string> = {
  unregistered: (token) => `is injected with ${token}, which is not registered in the container`,
  'not-constructible': (token) =>
    `needs ${token}, which is not registered in the container and cannot be constructed ` +
    '(its constructor takes parameters but has no @injectable())',
  'no-token': (token) =>
    `has no @inject token, and its reflected type ${token} cannot be constructed ` +
    '(an interface, a type alias or a primitive)',
  'undefined-type': () =>
    'has an undefined type or token: its class was not defined yet when the decorators ran ' +
    '(a circular import)',
};

const FIXES: Record<UnresolvableDependencyReason, (token: string) => string> = {
  unregistered: (token) =>
    `register ${token} in the container passed to Docket.create (or in a parent of it) ` +
    'before startServer, or mark the parameter @inject(token, { isOptional: true })',
  'not-constructible': (token) => `decorate ${token} with @injectable(), or register it`,
  'no-token': () => 'add @inject(TOKEN) to the parameter and register TOKEN in the container',
  'undefined-type': () => 'inject it with @inject(delay(() => TheClass)), or break the cycle',
};

/**
 * A handler's constructor needs something its container cannot provide. `startServer`
 * checks every handler's constructor parameters (recursively through the classes they need)
 * before it claims anything, so a wiring mistake fails the start instead of every job.
 */
export class UnresolvableDependencyError extends DocketError {
  /** Name of the handler class that cannot be resolved. */
  readonly handler: string;
  /** The token that fails, as a person reads it. */
  readonly token: string;
  /** 0-based index of the failing parameter, in the last class of `dependencyPath`. */
  readonly parameterIndex: number;
  /** Class names from the handler to the class whose parameter fails. */
  readonly dependencyPath: readonly string[];
  /** Why the parameter cannot be resolved. */
  readonly reason: UnresolvableDependencyReason;

  /**
   * @param handler - Name of the handler class.
   * @param dependency - The failing parameter: its token, index, path and reason.
   * @param jobType - The job type the handler runs.
   */
  constructor(handler: string, dependency: UnresolvableDependency, jobType?: string) {
    const { token, parameterIndex, dependencyPath, reason } = dependency;
    const owner = dependencyPath[dependencyPath.length - 1] ?? handler;
    const via = dependencyPath.length > 1 ? ` (through ${dependencyPath.join(' → ')})` : '';
    super(
      `Handler ${handler} cannot be resolved${via}: constructor parameter #${parameterIndex} ` +
        `of ${owner} ${PROBLEMS[reason](token)}. Fix: ${FIXES[reason](token)}`,
      jobType === undefined ? {} : { jobType },
    );
    this.handler = handler;
    this.token = token;
    this.parameterIndex = parameterIndex;
    this.dependencyPath = Object.freeze([...dependencyPath]);
    this.reason = reason;
  }

  override get name(): string {
    return 'UnresolvableDependencyError';
  }

  override get code(): string {
    return 'UNRESOLVABLE_DEPENDENCY';
  }
}
