import {
  container as globalContainer,
  delay,
  inject,
  injectable,
  injectAll,
  injectWithTransform,
  type DependencyContainer,
} from 'tsyringe';
import { DocketError, UnresolvableDependencyError } from '../../../src/errors';
import {
  HandlerRegistry,
  JobHandler,
  checkHandlerDependencies,
  type HandlerClass,
  type IJobHandler,
} from '../../../src/handlers';
import { Job, type IJob } from '../../../src/jobs';

// Each handler handles its own job class: a registry holds one handler per job type.
let jobs = 0;
function handlerOf(define: (jobClass: new () => IJob) => HandlerClass): HandlerClass {
  @Job(`dependencies-test.${++jobs}`)
  class SomeJob implements IJob {}
  return define(SomeJob);
}

const MAILER = 'mailer';
const CLOCK = Symbol('Clock');
const PLUGINS = Symbol('Plugins');

interface Mailer {
  send(to: string): Promise<void>;
}

@injectable()
class Config {}

class NoArgs {}

/** Takes a parameter, and no decorator recorded its type: tsyringe cannot build it. */
class NeedsArgs {
  constructor(readonly url: string) {}
}

@injectable()
class SmtpClient {
  constructor(@inject(MAILER) readonly mailer: Mailer) {}
}

@injectable()
class Outbox {
  constructor(readonly smtp: SmtpClient) {}
}

@injectable()
class Upper {
  transform(value: string): string {
    return value.toUpperCase();
  }
}

// A cycle that `delay` breaks: each needs the other.
@injectable()
class Ping {
  constructor(@inject(delay(() => Pong)) readonly pong: unknown) {}
}
@injectable()
class Pong {
  constructor(@inject(delay(() => Ping)) readonly ping: unknown) {}
}

const ViaString = handlerOf((jobClass) => {
  @JobHandler(jobClass)
  class ViaStringHandler implements IJobHandler<IJob> {
    constructor(@inject(MAILER) readonly mailer: Mailer) {}
    async handle(): Promise<void> {}
  }
  return ViaStringHandler;
});

const ViaSymbol = handlerOf((jobClass) => {
  @JobHandler(jobClass)
  class ViaSymbolHandler implements IJobHandler<IJob> {
    constructor(
      readonly config: Config,
      @inject(CLOCK) readonly clock: unknown,
    ) {}
    async handle(): Promise<void> {}
  }
  return ViaSymbolHandler;
});

const ViaClasses = handlerOf((jobClass) => {
  @JobHandler(jobClass)
  class ViaClassesHandler implements IJobHandler<IJob> {
    constructor(
      readonly config: Config,
      readonly noArgs: NoArgs,
      readonly outbox: Outbox,
    ) {}
    async handle(): Promise<void> {}
  }
  return ViaClassesHandler;
});

const ViaUnbuildable = handlerOf((jobClass) => {
  @JobHandler(jobClass)
  class ViaUnbuildableHandler implements IJobHandler<IJob> {
    constructor(readonly needsArgs: NeedsArgs) {}
    async handle(): Promise<void> {}
  }
  return ViaUnbuildableHandler;
});

const ViaInterface = handlerOf((jobClass) => {
  @JobHandler(jobClass)
  class ViaInterfaceHandler implements IJobHandler<IJob> {
    constructor(
      readonly config: Config,
      readonly mailer: Mailer,
    ) {}
    async handle(): Promise<void> {}
  }
  return ViaInterfaceHandler;
});

const ViaPrimitive = handlerOf((jobClass) => {
  @JobHandler(jobClass)
  class ViaPrimitiveHandler implements IJobHandler<IJob> {
    constructor(readonly name: string) {}
    async handle(): Promise<void> {}
  }
  return ViaPrimitiveHandler;
});

const ViaInjectAll = handlerOf((jobClass) => {
  @JobHandler(jobClass)
  class ViaInjectAllHandler implements IJobHandler<IJob> {
    constructor(@injectAll(PLUGINS) readonly plugins: unknown[]) {}
    async handle(): Promise<void> {}
  }
  return ViaInjectAllHandler;
});

const ViaDelay = handlerOf((jobClass) => {
  @JobHandler(jobClass)
  class ViaDelayHandler implements IJobHandler<IJob> {
    constructor(
      @inject(delay(() => Ping)) readonly ping: unknown,
      @inject(delay(() => Outbox)) readonly outbox: unknown,
    ) {}
    async handle(): Promise<void> {}
  }
  return ViaDelayHandler;
});

const ViaUndefinedDelay = handlerOf((jobClass) => {
  @JobHandler(jobClass)
  class ViaUndefinedDelayHandler implements IJobHandler<IJob> {
    constructor(@inject(delay(() => undefined as unknown as typeof Config)) readonly x: unknown) {}
    async handle(): Promise<void> {}
  }
  return ViaUndefinedDelayHandler;
});

const ViaOptional = handlerOf((jobClass) => {
  @JobHandler(jobClass)
  class ViaOptionalHandler implements IJobHandler<IJob> {
    constructor(
      @inject(CLOCK, { isOptional: true }) readonly clock: unknown,
      @injectAll(PLUGINS, { isOptional: true }) readonly plugins: unknown[],
    ) {}
    async handle(): Promise<void> {}
  }
  return ViaOptionalHandler;
});

const ViaTransform = handlerOf((jobClass) => {
  @JobHandler(jobClass)
  class ViaTransformHandler implements IJobHandler<IJob> {
    constructor(@injectWithTransform(MAILER, Upper) readonly name: string) {}
    async handle(): Promise<void> {}
  }
  return ViaTransformHandler;
});

const ViaUnbuildableTransform = handlerOf((jobClass) => {
  @JobHandler(jobClass)
  class ViaUnbuildableTransformHandler implements IJobHandler<IJob> {
    constructor(
      @injectWithTransform(MAILER, NeedsArgs as unknown as typeof Upper) readonly name: string,
    ) {}
    async handle(): Promise<void> {}
  }
  return ViaUnbuildableTransformHandler;
});

const ViaNoConstructor = handlerOf((jobClass) => {
  @JobHandler(jobClass)
  class ViaNoConstructorHandler implements IJobHandler<IJob> {
    async handle(): Promise<void> {}
  }
  return ViaNoConstructorHandler;
});

/** A token that is neither a string, a symbol, a class nor a `delay()` wrapper. */
function viaToken(token: unknown): HandlerClass {
  return handlerOf((jobClass) => {
    @JobHandler(jobClass)
    class ViaOddTokenHandler implements IJobHandler<IJob> {
      constructor(@inject(token as string) readonly value: unknown) {}
      async handle(): Promise<void> {}
    }
    return ViaOddTokenHandler;
  });
}

/**
 * A handler whose tokens were recorded the way older tsyringe versions (and hand-written
 * decorators) record them: bare tokens by parameter index, and no reflected types at all.
 */
const ViaBareTokens = handlerOf((jobClass) => {
  @JobHandler(jobClass)
  class ViaBareTokensHandler implements IJobHandler<IJob> {
    async handle(): Promise<void> {}
  }
  Reflect.defineMetadata('injectionTokens', { 0: MAILER, 1: CLOCK }, ViaBareTokensHandler);
  return ViaBareTokensHandler;
});

const mailer: Mailer = { send: async () => undefined };

/** A container whose parent holds the registrations, as an app's request scope would. */
function childOf(register: (parent: DependencyContainer) => void): DependencyContainer {
  const parent = globalContainer.createChildContainer();
  register(parent);
  return parent.createChildContainer();
}

function check(container: DependencyContainer, ...handlers: HandlerClass[]): void {
  checkHandlerDependencies(container, HandlerRegistry.build(container, handlers).all());
}

function failure(
  container: DependencyContainer,
  handler: HandlerClass,
): UnresolvableDependencyError {
  try {
    check(container, handler);
  } catch (error) {
    if (error instanceof UnresolvableDependencyError) return error;
    throw error;
  }
  throw new Error(`${handler.name} passed the check`);
}

describe('checkHandlerDependencies', () => {
  it('accepts string and symbol tokens registered in the container or a parent of it', () => {
    const container = childOf((parent) => {
      parent.register(MAILER, { useValue: mailer });
      parent.register(CLOCK, { useValue: {} });
    });
    expect(() => check(container, ViaString, ViaSymbol)).not.toThrow();
  });

  it('refuses an unregistered string token, naming handler, token and fix', () => {
    const error = failure(
      childOf(() => undefined),
      ViaString,
    );
    expect(error).toBeInstanceOf(DocketError);
    expect(error).toMatchObject({
      code: 'UNRESOLVABLE_DEPENDENCY',
      name: 'UnresolvableDependencyError',
      handler: 'ViaStringHandler',
      token: "'mailer'",
      parameterIndex: 0,
      dependencyPath: ['ViaStringHandler'],
      reason: 'unregistered',
      jobType: expect.stringMatching(/^dependencies-test\./),
    });
    expect(error.message).toBe(
      "Handler ViaStringHandler cannot be resolved: constructor parameter #0 of ViaStringHandler is injected with 'mailer', which is not registered in the container. " +
        "Fix: register 'mailer' in the container passed to Docket.create (or in a parent of it) before startServer, or mark the parameter @inject(token, { isOptional: true })",
    );
  });

  it('refuses an unregistered symbol token, at its parameter index', () => {
    const error = failure(
      childOf(() => undefined),
      ViaSymbol,
    );
    expect(error).toMatchObject({ token: 'Symbol(Clock)', parameterIndex: 1 });
  });

  it('accepts classes that are injectable, take no parameters, or are registered', () => {
    const container = childOf((parent) => parent.register(MAILER, { useValue: mailer }));
    expect(() => check(container, ViaClasses)).not.toThrow();
    const registered = childOf((parent) =>
      parent.register(NeedsArgs, { useValue: new NeedsArgs('smtp://') }),
    );
    expect(() => check(registered, ViaUnbuildable)).not.toThrow();
  });

  it('follows classes down to a missing token, and reports the path', () => {
    const error = failure(
      childOf(() => undefined),
      ViaClasses,
    );
    expect(error).toMatchObject({
      handler: 'ViaClassesHandler',
      token: "'mailer'",
      parameterIndex: 0,
      dependencyPath: ['ViaClassesHandler', 'Outbox', 'SmtpClient'],
      reason: 'unregistered',
    });
    expect(error.message).toContain(
      'cannot be resolved (through ViaClassesHandler → Outbox → SmtpClient): constructor parameter #0 of SmtpClient',
    );
  });

  it('refuses a class tsyringe cannot construct', () => {
    const error = failure(
      childOf(() => undefined),
      ViaUnbuildable,
    );
    expect(error).toMatchObject({ token: 'NeedsArgs', reason: 'not-constructible' });
    expect(error.message).toContain('decorate NeedsArgs with @injectable(), or register it');
  });

  it('refuses an interface or a primitive without @inject', () => {
    const error = failure(
      childOf(() => undefined),
      ViaInterface,
    );
    expect(error).toMatchObject({ token: 'Object', parameterIndex: 1, reason: 'no-token' });
    expect(error.message).toContain('add @inject(TOKEN) to the parameter');
    expect(
      failure(
        childOf(() => undefined),
        ViaPrimitive,
      ),
    ).toMatchObject({
      token: 'String',
      reason: 'no-token',
    });
  });

  it('checks @injectAll tokens like @inject ones', () => {
    expect(
      failure(
        childOf(() => undefined),
        ViaInjectAll,
      ),
    ).toMatchObject({
      token: 'Symbol(Plugins)',
      reason: 'unregistered',
    });
    const container = childOf((parent) => parent.register(PLUGINS, { useValue: 1 }));
    expect(() => check(container, ViaInjectAll)).not.toThrow();
  });

  it('skips optional string and symbol tokens', () => {
    expect(() =>
      check(
        childOf(() => undefined),
        ViaOptional,
      ),
    ).not.toThrow();
  });

  it('checks the class behind delay(), through cycles, without calling constructors', () => {
    const error = failure(
      childOf(() => undefined),
      ViaDelay,
    );
    expect(error).toMatchObject({
      token: "'mailer'",
      dependencyPath: ['ViaDelayHandler', 'Outbox', 'SmtpClient'],
    });
    const container = childOf((parent) => parent.register(MAILER, { useValue: mailer }));
    expect(() => check(container, ViaDelay)).not.toThrow();
    expect(
      failure(
        childOf(() => undefined),
        ViaUndefinedDelay,
      ),
    ).toMatchObject({
      token: 'undefined',
      reason: 'undefined-type',
    });
  });

  it('checks the token of a transform', () => {
    expect(
      failure(
        childOf(() => undefined),
        ViaTransform,
      ),
    ).toMatchObject({ token: "'mailer'" });
    const container = childOf((parent) => parent.register(MAILER, { useValue: 'x' }));
    expect(() => check(container, ViaTransform)).not.toThrow();
  });

  it('checks the class of a transform', () => {
    const container = childOf((parent) => parent.register(MAILER, { useValue: 'x' }));
    expect(failure(container, ViaUnbuildableTransform)).toMatchObject({
      token: 'NeedsArgs',
      parameterIndex: 0,
      reason: 'not-constructible',
    });
  });

  it('accepts a handler without a constructor of its own', () => {
    expect(() =>
      check(
        childOf(() => undefined),
        ViaNoConstructor,
      ),
    ).not.toThrow();
  });

  it.each([
    ['a number', 42, '42'],
    ['null', null, 'null'],
    ['an object that only looks like delay()', { wrap: () => Config }, '[object Object]'],
  ])('refuses %s as a token', (_what, token, described) => {
    expect(
      failure(
        childOf(() => undefined),
        viaToken(token),
      ),
    ).toMatchObject({ token: described, parameterIndex: 0, reason: 'undefined-type' });
  });

  it('checks bare tokens by index, past the reflected types', () => {
    const onlyMailer = childOf((parent) => parent.register(MAILER, { useValue: mailer }));
    expect(failure(onlyMailer, ViaBareTokens)).toMatchObject({
      token: 'Symbol(Clock)',
      parameterIndex: 1,
      reason: 'unregistered',
    });
    const both = childOf((parent) => {
      parent.register(MAILER, { useValue: mailer });
      parent.register(CLOCK, { useValue: {} });
    });
    expect(() => check(both, ViaBareTokens)).not.toThrow();
  });

  it('leaves alone a handler the caller registered with a provider of their own', () => {
    const container = globalContainer.createChildContainer();
    container.register(ViaString, { useFactory: () => new ViaString(mailer) });
    expect(() => check(container, ViaString)).not.toThrow();
  });

  it('never constructs anything', () => {
    let built = 0;
    const Counting = handlerOf((jobClass) => {
      @JobHandler(jobClass)
      class CountingHandler implements IJobHandler<IJob> {
        constructor(readonly config: Config) {
          built++;
        }
        async handle(): Promise<void> {}
      }
      return CountingHandler;
    });
    check(globalContainer.createChildContainer(), Counting, ViaOptional);
    expect(built).toBe(0);
  });
});
