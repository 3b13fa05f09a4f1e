import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { openTestDatabase, type TestDatabase } from '../../helpers/mongo';
import { ROOT, codeBlocks, guideFiles, isRunnable } from '../../helpers/markdown';

const run = promisify(execFile);

/** How long one example may take, ts-node's start and Docket's sources included. */
const EXAMPLE_TIMEOUT_MS = 25_000;

/** `docket` and `docket/<entry>` as the package names them, resolved to the sources. */
function resolveDocket(code: string): string {
  return code.replace(/(from\s+|import\s+)'docket(\/[a-z-]+)?'/g, (_, keyword: string, entry) => {
    const path = join(ROOT, 'src', entry === undefined ? '' : entry.slice(1));
    return `${keyword}${JSON.stringify(path)}`;
  });
}

/** The test database's URI with its name as the path, so that `mongo: { uri }` uses it. */
function uriWithDatabase(uri: string, dbName: string): string {
  return uri.replace(/^(mongodb(?:\+srv)?:\/\/[^/?]+)\/?[^?]*/, `$1/${dbName}`);
}

/** Every runnable block, with the document and line it is at (`README.md:87`). */
const runnable = guideFiles().flatMap((doc) =>
  codeBlocks(readFileSync(join(ROOT, doc), 'utf8'))
    .filter(isRunnable)
    .map((block) => ({ where: `${doc}:${block.line}`, doc, block })),
);

/**
 * The blocks fenced "```ts runnable" in the README and the guides are complete programs: each
 * runs here, as written, in a process of its own (ts-node, Docket resolved to its sources),
 * on a database of its own named in `MONGODB_URI`, and must exit 0 within its time.
 */
describe('the runnable examples of the README and the guides', () => {
  let dir: string;
  let db: TestDatabase;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'docket-runnable-'));
    db = await openTestDatabase('runnable-examples');
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
    await db.cleanup();
  });

  it('include the README example and the getting-started example', () => {
    const docs = new Set(runnable.map((example) => example.doc));
    expect(docs.has('README.md')).toBe(true);
    expect(docs.has('docs/guides/getting-started.md')).toBe(true);
  });

  it.each(runnable)(
    '$where starts, runs and exits 0',
    async ({ where, block }) => {
      const file = join(dir, `${where.replace(/[^A-Za-z0-9]+/g, '-')}.ts`);
      await writeFile(file, resolveDocket(block.code));
      const dbName = `${db.dbName}_${block.line}`.slice(0, 60);
      try {
        await run(process.execPath, ['-r', 'ts-node/register/transpile-only', file], {
          cwd: ROOT,
          timeout: EXAMPLE_TIMEOUT_MS,
          env: {
            ...process.env,
            MONGODB_URI: uriWithDatabase(db.uri, dbName),
            // The block lives outside the repository: compile it with the repository's
            // settings, and let it find the repository's packages.
            TS_NODE_PROJECT: join(ROOT, 'tsconfig.json'),
            NODE_PATH: join(ROOT, 'node_modules'),
          },
        });
      } catch (error) {
        const { stdout, stderr, killed } = error as {
          stdout?: string;
          stderr?: string;
          killed?: boolean;
        };
        const reason = killed ? `did not finish within ${EXAMPLE_TIMEOUT_MS} ms` : 'failed';
        throw new Error(`${where}: the runnable block ${reason}\n${stdout ?? ''}${stderr ?? ''}`);
      } finally {
        await db.client
          .db(dbName)
          .dropDatabase()
          .catch(() => undefined);
      }
    },
    EXAMPLE_TIMEOUT_MS + 5_000,
  );
});
