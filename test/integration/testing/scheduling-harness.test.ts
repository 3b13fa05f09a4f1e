import { container as rootContainer } from 'tsyringe';
import { journal, step, StepHandler, TickHandler, TickJob } from '../../../samples/scheduling/jobs';
import { createTestHarness, type TestHarness } from '../../../src/testing/harness/test-harness';

/** The scheduling sample's jobs under the test harness: minutes pass in milliseconds. */
describe('the scheduling sample, tested with the harness', () => {
  let harness: TestHarness;

  beforeEach(async () => {
    journal.length = 0;
    harness = await createTestHarness({
      container: rootContainer.createChildContainer(),
      handlers: [TickHandler, StepHandler],
    });
  });

  afterEach(() => harness.close());

  it('runs a delayed job and its continuations once the clock reaches its time', async () => {
    const { scheduler, clock } = harness;
    const download = await scheduler.schedule(step('download', 'cat.png'), { delayMs: 30_000 });
    const resize = await scheduler.continueWith(download, step('resize', 'cat.png'));
    const publish = await scheduler.continueWith(resize, step('publish', 'cat.png'));
    expect((await harness.drain()).started).toEqual([]);

    clock.advance(29_999);
    expect((await harness.drain()).started).toEqual([]);
    expect((await harness.docket.getJob(download))?.state).toBe('scheduled');

    clock.advance(1);
    const summary = await harness.drain();
    expect(summary.succeeded).toEqual([download, resize, publish]);
    expect(journal).toEqual(['download cat.png', 'resize cat.png', 'publish cat.png']);
  });

  it('runs each occurrence of a recurring job as the clock reaches it', async () => {
    const { scheduler, clock } = harness;
    // The manual clock starts on a whole minute: the first occurrence is a minute ahead.
    const start = clock.now();
    await scheduler.addOrUpdateRecurring('sample.minutely', new TickJob(), '* * * * *');
    expect((await harness.drain()).started).toEqual([]);

    clock.advance(60_000);
    const first = await harness.drain();
    const occurrence = new Date(start.getTime() + 60_000);
    expect(first.succeeded).toEqual([`sample.minutely@${occurrence.toISOString()}`]);
    expect(journal).toEqual([`tick (${first.succeeded[0]})`]);

    clock.advance(60_000);
    const second = await harness.drain();
    expect(second.succeeded).toEqual([
      `sample.minutely@${new Date(start.getTime() + 120_000).toISOString()}`,
    ]);
    const [info] = await scheduler.listRecurring();
    expect(info.lastJobId).toBe(second.succeeded[0]);
    expect(info.nextRunAt).toEqual(new Date(start.getTime() + 180_000));
  });
});
