import { unmetRequirements } from '../../spec-runner/run-requirements';
import { compareVersions } from '../../spec-runner/server-version';
import { decideSkip } from '../../spec-runner/skip-decision';
import { assumedTargetServer, type TargetServer } from '../../spec-runner/target-server';
import type { UnifiedTest, UnifiedTestFile } from '../../spec-runner/unified-test-file';

const target = assumedTargetServer('7.0.2');

describe('compareVersions', () => {
  it('compares component by component, missing parts being 0', () => {
    expect(compareVersions('4.0.10', '4.0.9')).toBeGreaterThan(0);
    expect(compareVersions('3.6', '4.2.0')).toBeLessThan(0);
    expect(compareVersions('7.0', '7.0.0')).toBe(0);
    expect(compareVersions('7.0.2-rc1', '7.0.2')).toBe(0);
  });
});

describe('unmetRequirements', () => {
  it('holds without requirements', async () => {
    expect(await unmetRequirements(undefined, target)).toBeUndefined();
    expect(await unmetRequirements([], target)).toBeUndefined();
  });

  it('checks minServerVersion and maxServerVersion', async () => {
    expect(await unmetRequirements([{ minServerVersion: '7.0' }], target)).toBeUndefined();
    expect(await unmetRequirements([{ minServerVersion: '8.0' }], target)).toMatch(
      /needs server ≥ 8.0/,
    );
    expect(await unmetRequirements([{ maxServerVersion: '4.2.99' }], target)).toMatch(
      /needs server ≤ 4.2.99/,
    );
  });

  it('holds when any one requirement holds', async () => {
    const requirements = [{ topologies: ['sharded'] }, { topologies: ['single', 'replicaset'] }];
    expect(await unmetRequirements(requirements, target)).toBeUndefined();
    expect(
      await unmetRequirements(
        [{ topologies: ['sharded'] }, { topologies: ['replicaset'] }],
        target,
      ),
    ).toMatch(/none holds: \(needs topology sharded.*\) or \(needs topology replicaset/);
  });

  it('skips serverless, auth and csfle requirements a plain standalone does not meet', async () => {
    expect(await unmetRequirements([{ serverless: 'require' }], target)).toMatch(/serverless/);
    expect(await unmetRequirements([{ serverless: 'forbid' }], target)).toBeUndefined();
    expect(await unmetRequirements([{ auth: true }], target)).toMatch(/authentication/);
    expect(await unmetRequirements([{ csfle: true }], target)).toMatch(/csfle/);
  });

  it('compares server parameters with flexible numerics', async () => {
    const withParameters: TargetServer = {
      ...target,
      getParameter: async (name) => (name === 'enableTestCommands' ? 1.0 : undefined),
    };
    expect(
      await unmetRequirements([{ serverParameters: { enableTestCommands: 1 } }], withParameters),
    ).toBeUndefined();
    expect(
      await unmetRequirements([{ serverParameters: { enableTestCommands: 2 } }], withParameters),
    ).toMatch(/needs server parameter enableTestCommands=2/);
    expect(
      await unmetRequirements([{ serverParameters: { other: true } }], withParameters),
    ).toMatch(/target has none/);
  });
});

describe('decideSkip', () => {
  const file = (extra: Partial<UnifiedTestFile> = {}): UnifiedTestFile => ({
    description: 'f',
    schemaVersion: '1.0',
    createEntities: [{ client: { id: 'client0' } }],
    tests: [],
    ...extra,
  });
  const test = (extra: Partial<UnifiedTest> = {}): UnifiedTest => ({
    description: 't',
    operations: [{ name: 'find', object: 'collection0', arguments: { filter: {} } }],
    ...extra,
  });

  it('runs a plain test', async () => {
    expect(await decideSkip(file(), test(), target)).toBeUndefined();
  });

  it('skips on the file requirements, then skipReason, then the test requirements', async () => {
    expect(
      await decideSkip(file({ runOnRequirements: [{ minServerVersion: '9.0' }] }), test(), target),
    ).toMatch(/^file requirements: needs server ≥ 9.0/);
    expect(await decideSkip(file(), test({ skipReason: 'flaky' }), target)).toBe(
      'skipReason: flaky',
    );
    expect(
      await decideSkip(
        file(),
        test({ runOnRequirements: [{ topologies: ['replicaset'] }] }),
        target,
      ),
    ).toMatch(/needs topology replicaset/);
  });

  it('runs a test that needs collation: the stand-in refuses it visibly (238) rather than being skipped', async () => {
    const operations = [
      {
        name: 'bulkWrite',
        object: 'collection0',
        arguments: { requests: [{ deleteOne: { filter: {}, collation: { locale: 'fr' } } }] },
      },
    ];
    expect(await decideSkip(file(), test({ operations }), target)).toBeUndefined();
  });

  it('runs tests with sessions, skips other entity types', async () => {
    const session = { session: { id: 's', client: 'client0' } };
    const operations = [
      { name: 'find', object: 'collection0', arguments: { filter: {}, session: 's' } },
    ];
    expect(
      await decideSkip(file({ createEntities: [session] }), test({ operations }), target),
    ).toBeUndefined();
    expect(
      await decideSkip(file({ createEntities: [{ bucket: { id: 'b' } }] }), test(), target),
    ).toBe('needs bucket entities');
  });

  it('skips log message assertions', async () => {
    expect(await decideSkip(file(), test({ expectLogMessages: [] }), target)).toBe(
      'needs log message assertions',
    );
  });

  it('runs snapshot times (read through the driver session), no longer skipping them', async () => {
    const snapshotSession = {
      session: {
        id: 's',
        client: 'client0',
        sessionOptions: { snapshot: true, snapshotTime: 't' },
      },
    };
    expect(
      await decideSkip(file({ createEntities: [snapshotSession] }), test(), target),
    ).toBeUndefined();
    const operations = [
      { name: 'getSnapshotTime', object: 's' },
      { name: 'createEntities', object: 'testRunner', arguments: { entities: [snapshotSession] } },
    ];
    for (const operation of operations) {
      expect(await decideSkip(file(), test({ operations: [operation] }), target)).toBeUndefined();
    }
  });

  it('judges the operations of withTransaction callbacks too', async () => {
    const insert = {
      name: 'insertOne',
      object: 'collection0',
      arguments: { document: { _id: null } },
    };
    const operations = [
      { name: 'withTransaction', object: 's', arguments: { callback: [insert] } },
    ];
    expect(await decideSkip(file(), test({ operations }), target)).toMatch(/NODE-6468/);
  });

  it('skips clientBulkWrite before 8.0', async () => {
    const operations = [{ name: 'clientBulkWrite', object: 'client0', arguments: { models: [] } }];
    expect(await decideSkip(file(), test({ operations }), target)).toMatch(
      /clientBulkWrite needs server ≥ 8.0/,
    );
    expect(
      await decideSkip(file(), test({ operations }), assumedTargetServer('8.0.0')),
    ).toBeUndefined();
  });

  it('skips inserts of a null _id, which the Node.js driver rewrites (NODE-6468)', async () => {
    const insert = (name: string, args: Record<string, unknown>) =>
      test({ operations: [{ name, object: 'collection0', arguments: args }] });
    expect(
      await decideSkip(file(), insert('insertOne', { document: { _id: null } }), target),
    ).toMatch(/NODE-6468/);
    expect(
      await decideSkip(
        file(),
        insert('insertMany', { documents: [{ _id: 1 }, { _id: null }] }),
        target,
      ),
    ).toMatch(/NODE-6468/);
    expect(
      await decideSkip(
        file(),
        insert('bulkWrite', { requests: [{ insertOne: { document: { _id: null } } }] }),
        target,
      ),
    ).toMatch(/NODE-6468/);
    expect(
      await decideSkip(file(), insert('insertOne', { document: { _id: 0 } }), target),
    ).toBeUndefined();
    expect(
      await decideSkip(
        file(),
        insert('updateOne', { filter: { _id: null }, update: {}, upsert: true }),
        target,
      ),
    ).toBeUndefined();
  });
});
