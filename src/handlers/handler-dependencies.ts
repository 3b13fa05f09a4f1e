import 'reflect-metadata';
import type { DependencyContainer, InjectionToken } from 'tsyringe';
import {
  UnresolvableDependencyError,
  type UnresolvableDependency,
  type UnresolvableDependencyReason,
} from '../errors';
import { describeClass } from '../options/option-checks';
import type { HandlerRegistration } from './handler-registry';

/*
 * A static check of what tsyringe will do when it resolves a handler: it reads the same
 * metadata (`design:paramtypes` from emitDecoratorMetadata, overlaid by the tokens `@inject`,
 * `@injectAll` and their `WithTransform` variants record) and asks the container the same
 * questions, without constructing anything. Constructing would run user code (connections,
 * timers) at start-up and could not be undone.
 */

/** tsyringe's reflection key for the tokens of `@inject` and friends (`reflection-helpers`). */
const INJECTION_TOKENS_KEY = 'injectionTokens';
/** TypeScript's key for a decorated class's constructor parameter types. */
const PARAM_TYPES_KEY = 'design:paramtypes';

/** Reflected types tsyringe cannot construct and that say nothing about what to inject. */
const BUILT_IN_TYPES: ReadonlySet<unknown> = new Set([
  Object,
  String,
  Number,
  Boolean,
  Symbol,
  BigInt,
  Function,
  Array,
]);

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tsyringe's constructor<T> shape
type AnyClass = new (...args: any[]) => unknown;

/** One constructor parameter as tsyringe sees it. */
interface Parameter {
  /** What to resolve: a token, a class, a `delay()` wrapper, or undefined. */
  readonly token: unknown;
  /** Given by a decorator (`@inject`...), not only reflected from the declared type. */
  readonly explicit: boolean;
  /** `{ isOptional: true }`: an unregistered string or symbol token resolves to undefined. */
  readonly optional: boolean;
  /** The transformer class of `@injectWithTransform` / `@injectAllWithTransform`. */
  readonly transform?: unknown;
}

/** A failing parameter, before it is tied to its handler. */
type Failure = UnresolvableDependency;

/**
 * Checks that every handler's constructor can be resolved from `container` (the container
 * the handlers run in, through a child per execution):
 * - a string or symbol token must be registered in it or one of its parents (unless its
 *   parameter is `{ isOptional: true }`);
 * - a class must be registered, or constructible: no parameters, or parameter types recorded
 *   by a decorator, each checked the same way (recursively; a class met twice, as in a cycle
 *   broken with `delay()`, is checked once);
 * - a parameter without `@inject` whose reflected type is `Object` (an interface, a type
 *   alias, a union), a primitive or `undefined` (a circular import) is a mistake.
 * `delay(() => TheClass)` is checked as `TheClass`; a transform's class must be resolvable
 * too. A handler class the caller registered with a provider of their own (a factory, a
 * value) is resolved as registered, so its constructor is not checked.
 *
 * @param container - The caller's container (the handlers resolve from its children).
 * @param registrations - The handlers to check.
 * @throws UnresolvableDependencyError - for the first parameter that cannot be resolved.
 */
export function checkHandlerDependencies(
  container: DependencyContainer,
  registrations: readonly HandlerRegistration[],
): void {
  const checked = new Set<unknown>();
  for (const { handlerClass, jobType, registeredByCaller } of registrations) {
    if (registeredByCaller) continue;
    const failure = checkClass(container, handlerClass, [], checked);
    if (failure) {
      throw new UnresolvableDependencyError(describeClass(handlerClass), failure, jobType);
    }
  }
}

/** The first failing parameter of `ctor` or of a class it needs, or undefined. */
function checkClass(
  container: DependencyContainer,
  ctor: AnyClass,
  path: readonly string[],
  checked: Set<unknown>,
): Failure | undefined {
  if (checked.has(ctor)) return undefined;
  checked.add(ctor);
  const here = [...path, describeClass(ctor)];
  const parameters = parametersOf(ctor);
  for (const [index, parameter] of parameters.entries()) {
    const fail = (reason: UnresolvableDependencyReason, token: unknown): Failure => ({
      token: describeToken(token),
      parameterIndex: index,
      dependencyPath: here,
      reason,
    });
    for (const token of [
      parameter.token,
      ...('transform' in parameter ? [parameter.transform] : []),
    ]) {
      const failure = checkToken(container, token, parameter, here, checked, fail);
      if (failure) return failure;
    }
  }
  return undefined;
}

function checkToken(
  container: DependencyContainer,
  rawToken: unknown,
  parameter: Parameter,
  path: readonly string[],
  checked: Set<unknown>,
  fail: (reason: UnresolvableDependencyReason, token: unknown) => Failure,
): Failure | undefined {
  const token = isDelayed(rawToken) ? rawToken.wrap() : rawToken;
  if (typeof token === 'string' || typeof token === 'symbol') {
    if (parameter.optional || container.isRegistered(token, true)) return undefined;
    return fail('unregistered', token);
  }
  // undefined (a circular import), null, or anything else that is not a class.
  if (typeof token !== 'function') return fail('undefined-type', token);
  if (container.isRegistered(token as InjectionToken, true)) return undefined;
  if (!parameter.explicit && BUILT_IN_TYPES.has(token)) return fail('no-token', token);
  const ctor = token as AnyClass;
  if (Reflect.getMetadata(PARAM_TYPES_KEY, ctor) === undefined) {
    // What tsyringe does without type information: `new ctor()`, or refuse when it takes
    // parameters.
    return ctor.length === 0 ? undefined : fail('not-constructible', token);
  }
  return checkClass(container, ctor, path, checked);
}

/** The parameters tsyringe resolves for `ctor`, as its own `getParamInfo` reads them. */
function parametersOf(ctor: AnyClass): Parameter[] {
  const types = (Reflect.getMetadata(PARAM_TYPES_KEY, ctor) as unknown[] | undefined) ?? [];
  const tokens =
    (Reflect.getOwnMetadata(INJECTION_TOKENS_KEY, ctor) as Record<string, unknown> | undefined) ??
    {};
  const count = Math.max(types.length, ...Object.keys(tokens).map((key) => Number(key) + 1));
  const parameters: Parameter[] = [];
  for (let index = 0; index < count; index++) {
    parameters.push(
      index in tokens
        ? explicitParameter(tokens[index])
        : { token: types[index], explicit: false, optional: false },
    );
  }
  return parameters;
}

/** A parameter `@inject`, `@injectAll` or a transform variant described. */
function explicitParameter(descriptor: unknown): Parameter {
  if (typeof descriptor !== 'object' || descriptor === null || !('token' in descriptor)) {
    // `@inject(token)` in tsyringe before descriptors, or a bare token: resolve it as is.
    return { token: descriptor, explicit: true, optional: false };
  }
  const { token, isOptional, transform } = descriptor as {
    token: unknown;
    isOptional?: boolean;
    transform?: unknown;
  };
  return {
    token,
    explicit: true,
    optional: isOptional === true,
    ...('transform' in descriptor ? { transform } : {}),
  };
}

/** tsyringe's `DelayedConstructor` (from `delay()`), recognised by shape: copies may differ. */
function isDelayed(token: unknown): token is { wrap: () => unknown } {
  return (
    typeof token === 'object' &&
    token !== null &&
    typeof (token as { wrap?: unknown }).wrap === 'function' &&
    typeof (token as { createProxy?: unknown }).createProxy === 'function'
  );
}

function describeToken(token: unknown): string {
  if (typeof token === 'string') return `'${token}'`;
  if (typeof token === 'function') return describeClass(token);
  return String(token);
}
