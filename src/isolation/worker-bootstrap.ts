import type { DependencyContainer } from 'tsyringe';
import { container as rootContainer } from 'tsyringe';
import { InvalidOptionsError } from '../errors';
import { HandlerRegistry, decoratedHandlerClasses, type HandlerClass } from '../handlers';

/**
 * What the `isolation.bootstrap` module may export (every export is optional). Loading it
 * must register the job and handler classes the worker runs (import them).
 */
export interface IsolationBootstrapModule {
  /**
   * The container handlers are resolved from (a child container per job), or a function,
   * possibly async, that sets it up and returns it.
   * @defaultValue tsyringe's root container
   */
  readonly container?:
    DependencyContainer | (() => DependencyContainer | Promise<DependencyContainer>);
  /**
   * The handler classes the worker runs.
   * @defaultValue every class decorated with `@JobHandler` once the module is loaded
   */
  readonly handlers?: readonly HandlerClass[];
}

/** What a worker runs handlers with. */
export interface WorkerHandlers {
  readonly registry: HandlerRegistry;
  readonly container: DependencyContainer;
}

/**
 * Loads the bootstrap module (CommonJS, or an ES module Node can `require`) and registers
 * its handlers in its container, as a server does at start.
 * @throws what loading the module or its `container` function throws; InvalidOptionsError
 *   for an export of the wrong shape; DuplicateHandlerError as `HandlerRegistry.build`.
 */
export async function loadBootstrap(path: string): Promise<WorkerHandlers> {
  // A module named at run time: a static import cannot name it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const exported = require(path) as IsolationBootstrapModule;
  const given = exported.container;
  const container = typeof given === 'function' ? await given() : (given ?? rootContainer);
  if (typeof container?.resolve !== 'function') {
    throw new InvalidOptionsError(
      `the isolation bootstrap module ${path} must export as 'container' a tsyringe container or a function returning one`,
      { option: 'isolation.bootstrap' },
    );
  }
  const handlers = exported.handlers ?? decoratedHandlerClasses();
  return { registry: HandlerRegistry.build(container, handlers), container };
}
