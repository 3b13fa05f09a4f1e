import { container as globalContainer } from 'tsyringe';
import { HandlerRegistry, JobHandler, type IJobHandler } from '../../../src/handlers';
import { Job, type IJob } from '../../../src/jobs';

// Its own file: the default list holds every handler decorated in the test file's module
// registry, so it must not share a file with deliberately clashing handlers.

@Job('registry-default-test.a')
class AJob implements IJob {}

@Job('registry-default-test.b')
class BJob implements IJob {}

@JobHandler(AJob)
class AHandler implements IJobHandler<AJob> {
  async handle(): Promise<void> {}
}

@JobHandler(BJob, { concurrency: 1 })
class BHandler implements IJobHandler<BJob> {
  async handle(): Promise<void> {}
}

describe('HandlerRegistry.build with the default handler list', () => {
  it('takes every class decorated with @JobHandler', () => {
    const container = globalContainer.createChildContainer();
    const registry = HandlerRegistry.build(container);
    expect(registry.all().map((r) => r.handlerClass)).toEqual([AHandler, BHandler]);
    expect(registry.require('registry-default-test.b').options.concurrency).toBe(1);
    expect(container.resolve(BHandler)).toBeInstanceOf(BHandler);
  });
});
