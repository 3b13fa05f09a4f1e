import { runSchedulingSample } from '../../../samples/scheduling/scheduling-app';
import { startEphemeralMongo, type EphemeralMongo } from '../../../src/testing';

describe('samples/scheduling (npm run sample:scheduling)', () => {
  let mongo: EphemeralMongo;

  beforeAll(async () => {
    mongo = await startEphemeralMongo();
  });

  afterAll(() => mongo.stop());

  it('shows a recurring job, a continuation chain, a uniqueness key and a paused queue', async () => {
    const lines: string[] = [];
    await runSchedulingSample(mongo.uri, (line) => lines.push(line));
    const text = lines.join('\n');
    expect(text).toMatch(
      /3 occurrences enqueued: sample\.tick@\S+, sample\.tick@\S+, sample\.tick@\S+/,
    );
    expect(text).toContain('while download waits: resize is awaiting, publish is awaiting');
    expect(text).toContain('ran in order: download cat.png → resize cat.png → publish cat.png');
    expect(text).toMatch(/([0-9a-f]{24}) === \1/);
    expect(text).toContain('paused: true, waiting: {"enqueued":1}');
    expect(text).toContain('after resume the report is succeeded');
  }, 30_000);
});
