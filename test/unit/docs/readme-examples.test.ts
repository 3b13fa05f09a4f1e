import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';

const ROOT = join(__dirname, '..', '..', '..');
/** What the README's snippets take as given (a `docket`, its `scheduler`, the app's classes). */
const CONTEXT = join(__dirname, 'readme-context.d.ts');

/** The ```ts blocks of a Markdown file, with the line each starts on. */
function typeScriptBlocks(markdown: string): { line: number; code: string }[] {
  const blocks: { line: number; code: string }[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    if (lines[i].trim() !== '```ts') continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && lines[end].trim() !== '```') end += 1;
    blocks.push({ line: start + 1, code: lines.slice(start, end).join('\n') });
    i = end;
  }
  return blocks;
}

/**
 * Every TypeScript block of the README compiles as written, against Docket's sources under
 * the package's own names (`docket`, `docket/testing`...), with the settings the README's
 * Install section asks for. Each block is a module of its own; fragments see only the
 * declarations of readme-context.d.ts.
 */
describe('the README', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'docket-readme-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('has TypeScript blocks that all compile', async () => {
    const blocks = typeScriptBlocks(await readFile(join(ROOT, 'README.md'), 'utf8'));
    expect(blocks.length).toBeGreaterThan(5);
    const files = await Promise.all(
      blocks.map(async (block) => {
        const file = join(dir, `readme-line-${block.line}.ts`);
        await writeFile(file, `${block.code}\nexport {};\n`);
        return file;
      }),
    );
    const program = ts.createProgram([...files, CONTEXT], {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      strict: true,
      noEmit: true,
      experimentalDecorators: true,
      emitDecoratorMetadata: true,
      skipLibCheck: true,
      lib: ['lib.es2023.d.ts', 'lib.esnext.disposable.d.ts', 'lib.dom.d.ts'],
      types: ['node', 'jest'],
      typeRoots: [join(ROOT, 'node_modules', '@types')],
      baseUrl: ROOT,
      paths: {
        docket: ['src/index.ts'],
        'docket/*': ['src/*/index.ts'],
        '*': ['node_modules/*', 'node_modules/@types/*'],
      },
    });
    const problems = ts
      .getPreEmitDiagnostics(program)
      .filter(
        (diagnostic) => diagnostic.file === undefined || files.includes(diagnostic.file.fileName),
      )
      .map((diagnostic) => {
        const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
        if (!diagnostic.file || diagnostic.start === undefined) return message;
        const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
        const blockLine = Number(/readme-line-(\d+)/.exec(diagnostic.file.fileName)?.[1]);
        return `README.md:${blockLine + line}: ${message}`;
      });
    expect(problems).toEqual([]);
  }, 120_000);
});
