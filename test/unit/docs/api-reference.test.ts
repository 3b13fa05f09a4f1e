import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const ROOT = join(__dirname, '..', '..', '..');
/** TypeDoc's CLI. TypeDoc is an ES module, which Jest's CommonJS sandbox cannot load. */
const TYPEDOC = join(ROOT, 'node_modules', 'typedoc', 'bin', 'typedoc');

/** TypeDoc's messages without their colours, one per line. */
function messages(output: string): string[] {
  return (
    output
      // eslint-disable-next-line no-control-regex
      .replace(/\x1b\[[0-9;]*m/g, '')
      .split('\n')
      .filter((line) => /^\[(warning|error)\]/.test(line))
  );
}

/**
 * The API reference of `npm run docs` builds without a warning: every public symbol of the
 * package's entry points carries TSDoc and every `{@link}` resolves. TypeDoc runs with the
 * project's typedoc.config.cjs, converting and validating the sources without writing HTML.
 */
describe('the API reference', () => {
  it('documents every public symbol and resolves every link', async () => {
    const result = await promisify(execFile)(
      process.execPath,
      [TYPEDOC, '--emit', 'none', '--logLevel', 'Warn'],
      { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 16 * 1024 * 1024 },
    ).catch((error: { stdout?: string; stderr?: string; code?: number }) => error);

    const found = messages(`${result.stdout ?? ''}\n${result.stderr ?? ''}`);
    expect(found).toEqual([]);
    expect('code' in result ? result.code : 0).toBe(0);
  }, 90_000);
});
