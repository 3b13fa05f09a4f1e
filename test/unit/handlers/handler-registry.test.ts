import { container as globalContainer, inject, injectable, Lifecycle } from 'tsyringe';
import {
  DuplicateHandlerError,
  HandlerNotFoundError,
  InvalidOptionsError,
} from '../../../src/errors';
import {
  HandlerRegistry,
  JobHandler,
  type HandlerClass,
  type IJobHandler,
  type JobContext,
} from '../../../src/handlers';
import { Job, type IJob } from '../../../src/jobs';

@Job('registry-test.send-email')
class SendEmailJob implements IJob {
  to = '';
}

@Job('registry-test.resize-image')
class ResizeImageJob implements IJob {
  width = 0;
}

/** A per-execution (scoped) dependency. */
@injectable()
class RequestScope {
  static created = 0;
  readonly id = ++RequestScope.created;
}

const MAILER = Symbol('Mailer');
interface Mailer {
  send(to: string): Promise<void>;
}

@JobHandler(SendEmailJob, { retries: 1 })
class SendEmailHandler implements IJobHandler<SendEmailJob> {
  constructor(
    @inject(MAILER) readonly mailer: Mailer,
    readonly scope: RequestScope,
  ) {}

  async handle(job: SendEmailJob, _context: JobContext): Promise<void> {
    await this.mailer.send(job.to);
  }
}

@JobHandler(ResizeImageJob)
class ResizeImageHandler implements IJobHandler<ResizeImageJob> {
  async handle(): Promise<void> {}
}

@JobHandler(SendEmailJob)
class OtherSendEmailHandler implements IJobHandler<SendEmailJob> {
  async handle(): Promise<void> {}
}

class NotAHandler implements IJobHandler<SendEmailJob> {
  async handle(): Promise<void> {}
}

const mailer: Mailer = { send: async () => undefined };

function newContainer() {
  const container = globalContainer.createChildContainer();
  container.register(MAILER, { useValue: mailer });
  return container;
}

describe('HandlerRegistry', () => {
  it('maps job types to registrations', () => {
    const registry = HandlerRegistry.build(newContainer(), [SendEmailHandler, ResizeImageHandler]);
    expect(registry.jobTypes()).toEqual(['registry-test.send-email', 'registry-test.resize-image']);
    expect(registry.get('registry-test.send-email')).toEqual({
      jobType: 'registry-test.send-email',
      jobClass: SendEmailJob,
      handlerClass: SendEmailHandler,
      options: expect.objectContaining({ retries: 1, maxAttempts: 2 }),
      registeredByCaller: false,
    });
    expect(registry.require('registry-test.resize-image').handlerClass).toBe(ResizeImageHandler);
    expect(registry.all().map((r) => r.handlerClass)).toEqual([
      SendEmailHandler,
      ResizeImageHandler,
    ]);
    expect(registry.get('registry-test.unknown')).toBeUndefined();
  });

  it('throws HandlerNotFoundError for a job type without a handler', () => {
    const registry = HandlerRegistry.build(newContainer(), [ResizeImageHandler]);
    expect(() => registry.require('registry-test.send-email')).toThrow(HandlerNotFoundError);
    expect(() => registry.require('registry-test.send-email')).toThrow(
      expect.objectContaining({ jobType: 'registry-test.send-email' }),
    );
  });

  it('throws DuplicateHandlerError for two handlers of one job type, registering nothing', () => {
    const container = newContainer();
    let error: unknown;
    try {
      HandlerRegistry.build(container, [
        ResizeImageHandler,
        SendEmailHandler,
        OtherSendEmailHandler,
      ]);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(DuplicateHandlerError);
    expect(error).toMatchObject({
      jobType: 'registry-test.send-email',
      existingHandlerName: 'SendEmailHandler',
      newHandlerName: 'OtherSendEmailHandler',
    });
    expect(container.isRegistered(ResizeImageHandler)).toBe(false);
  });

  it('ignores a class listed twice', () => {
    const registry = HandlerRegistry.build(newContainer(), [
      ResizeImageHandler,
      ResizeImageHandler,
    ]);
    expect(registry.all()).toHaveLength(1);
  });

  it.each<[string, unknown, string]>([
    ['a class without @JobHandler', NotAHandler, 'NotAHandler'],
    ['an anonymous class', class {}, 'an anonymous class'],
    ['a handler instance', new ResizeImageHandler(), 'an instance of ResizeImageHandler'],
    ['a class name', 'ResizeImageHandler', '"ResizeImageHandler"'],
    ['null', null, 'null'],
  ])('refuses %s, naming it, and registers nothing', (_label, handler, named) => {
    const container = newContainer();
    let error: unknown;
    try {
      HandlerRegistry.build(container, [ResizeImageHandler, handler as HandlerClass]);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidOptionsError);
    expect(error).toMatchObject({
      message: `${named} is not a job handler: decorate it with @JobHandler(TheJobClass)`,
      option: 'handlers',
    });
    expect(container.isRegistered(ResizeImageHandler)).toBe(false);
  });

  it('hands out frozen registrations', () => {
    const registry = HandlerRegistry.build(newContainer(), [ResizeImageHandler]);
    expect(Object.isFrozen(registry.require('registry-test.resize-image'))).toBe(true);
  });

  it('throws InvalidOptionsError naming a class without @JobHandler', () => {
    expect(() => HandlerRegistry.build(newContainer(), [ResizeImageHandler, NotAHandler])).toThrow(
      new InvalidOptionsError(
        'NotAHandler is not a job handler: decorate it with @JobHandler(TheJobClass)',
      ),
    );
    expect(() =>
      HandlerRegistry.build(newContainer(), [undefined as unknown as HandlerClass]),
    ).toThrow('undefined is not a job handler: decorate it with @JobHandler(TheJobClass)');
  });

  it('registers handlers as transient classes, resolved with each child container’s scoped deps', () => {
    const container = newContainer();
    HandlerRegistry.build(container, [SendEmailHandler]);
    expect(container.isRegistered(SendEmailHandler)).toBe(true);

    const resolveInExecution = () => {
      const execution = container.createChildContainer();
      execution.register(RequestScope, RequestScope, { lifecycle: Lifecycle.ContainerScoped });
      return [execution.resolve(SendEmailHandler), execution.resolve(SendEmailHandler)];
    };
    const [first, sameExecution] = resolveInExecution();
    const [second] = resolveInExecution();

    expect(first).toBeInstanceOf(SendEmailHandler);
    expect(first.mailer).toBe(mailer);
    expect(first).not.toBe(sameExecution);
    expect(first).not.toBe(second);
    expect(first.scope).toBe(sameExecution.scope);
    expect(first.scope).not.toBe(second.scope);
  });

  it('never registers into the global container', () => {
    HandlerRegistry.build(newContainer(), [ResizeImageHandler]);
    expect(globalContainer.isRegistered(ResizeImageHandler)).toBe(false);
  });

  it('leaves a handler the caller registered with their own provider as it is', () => {
    const container = newContainer();
    container.registerSingleton(ResizeImageHandler);
    const registry = HandlerRegistry.build(container, [ResizeImageHandler]);
    expect(container.resolve(ResizeImageHandler)).toBe(container.resolve(ResizeImageHandler));
    expect(registry.require('registry-test.resize-image').registeredByCaller).toBe(true);
  });

  it('without() drops one handler from a copy, and keeps the registry when it is absent', () => {
    const container = newContainer();
    const registry = HandlerRegistry.build(container, [SendEmailHandler, ResizeImageHandler]);
    const smaller = registry.without(SendEmailHandler);
    expect(smaller.jobTypes()).toEqual(['registry-test.resize-image']);
    expect(registry.jobTypes()).toHaveLength(2);
    expect(smaller.without(SendEmailHandler)).toBe(smaller);
    expect(container.isRegistered(SendEmailHandler)).toBe(true);
  });
});
