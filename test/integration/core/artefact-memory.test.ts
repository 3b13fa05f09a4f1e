/**
 * A 50 MB artefact streams in and out of a worker process while its resident memory grows
 * by less than 20 MB: artefacts are never held whole in memory.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { openTestDatabase, type TestDatabase } from '../../helpers/mongo';

const ROOT = join(__dirname, '..', '..', '..');

describe('artefact memory', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await openTestDatabase('artefact_memory');
  });

  afterAll(async () => {
    await db?.cleanup();
  });

  it('streams 50 MB in and out with less than 20 MB of resident growth', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        '--expose-gc',
        '-r',
        'ts-node/register/transpile-only',
        join(ROOT, 'test/integration/fixtures/artefact-memory.ts'),
      ],
      {
        cwd: ROOT,
        env: { ...process.env, MONGO_URI: db.uri, MONGO_DB: db.dbName },
        timeout: 120_000,
      },
    );
    const measured = JSON.parse(stdout.trim().split('\n').pop()!) as {
      growthInMb: number;
      growthOutMb: number;
      bytesOut: number;
      same: boolean;
    };
    process.stdout.write(`artefact memory: ${JSON.stringify(measured)}\n`);
    expect(measured.bytesOut).toBe(50 * 1024 * 1024);
    expect(measured.same).toBe(true);
    expect(measured.growthInMb).toBeLessThan(20);
    expect(measured.growthOutMb).toBeLessThan(20);
  }, 150_000);
});
