import { tmpdir } from 'node:os';
import { parseCliArguments, UsageError } from '../../spec-runner/cli-arguments';

describe('parseCliArguments', () => {
  const dir = tmpdir();

  it('assumes a standalone for --list unless --topology says otherwise', () => {
    expect(parseCliArguments([dir, '--list']).assumedTopology).toBe('single');
    expect(parseCliArguments([dir, '--list', '--topology', 'replicaset']).assumedTopology).toBe(
      'replicaset',
    );
  });

  it('refuses a topology that is not one', () => {
    expect(() => parseCliArguments([dir, '--topology', 'cluster'])).toThrow(
      new UsageError(
        '--topology must be one of single, replicaset, sharded, load-balanced, got cluster',
      ),
    );
  });

  it('takes the replica set name the stand-in should present', () => {
    expect(parseCliArguments([dir]).replicaSet).toBeUndefined();
    expect(parseCliArguments([dir, '--replica-set', 'rs0']).replicaSet).toBe('rs0');
    expect(() => parseCliArguments([dir, '--replica-set'])).toThrow(/--replica-set needs a value/);
  });
});
