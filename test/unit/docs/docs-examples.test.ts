import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { ROOT, codeBlocks, guideFiles, isTypeScript, type CodeBlock } from '../../helpers/markdown';

/** What the snippets take as given (a `docket`, its `scheduler`, the app's classes). */
const CONTEXT = join(__dirname, 'docs-context.d.ts');

/** One TypeScript block written out as a module: where it came from, and where it went. */
interface WrittenBlock {
  readonly doc: string;
  readonly block: CodeBlock;
  readonly file: string;
}

/**
 * Type-checks every block at once (one program is much faster than one per file) and groups
 * the problems by document, each as `file:line: message`.
 */
function typeCheck(blocks: readonly WrittenBlock[]): Map<string, string[]> {
  const program = ts.createProgram([...blocks.map((written) => written.file), CONTEXT], {
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
  const byFile = new Map(blocks.map((written) => [written.file, written]));
  const problems = new Map<string, string[]>();
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
    const written = diagnostic.file && byFile.get(diagnostic.file.fileName);
    if (diagnostic.file !== undefined && written === undefined) continue; // the sources' own
    if (written === undefined || diagnostic.start === undefined) {
      problems.set('(global)', [...(problems.get('(global)') ?? []), message]);
      continue;
    }
    const { line } = diagnostic.file!.getLineAndCharacterOfPosition(diagnostic.start);
    const where = `${written.doc}:${written.block.line + line}`;
    problems.set(written.doc, [...(problems.get(written.doc) ?? []), `${where}: ${message}`]);
  }
  return problems;
}

/**
 * Every TypeScript block of the README and of the guides (fenced "```ts", or "```ts runnable"
 * for those a test also runs) compiles as written, against Docket's sources under the
 * package's own names (`docket`, `docket/testing`...), with the settings the README's Install
 * section asks for. Each block is a module of its own; fragments see only the declarations
 * of docs-context.d.ts.
 */
describe('the TypeScript blocks of the README and the guides', () => {
  let dir: string;
  const blocksOf = new Map<string, WrittenBlock[]>();
  let problems = new Map<string, string[]>();

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'docket-docs-'));
    for (const doc of guideFiles()) {
      const blocks = codeBlocks(await readFile(join(ROOT, doc), 'utf8'));
      const written = await Promise.all(
        blocks.filter(isTypeScript).map(async (block) => {
          const file = join(dir, `${doc.replace(/[^A-Za-z0-9]+/g, '-')}-line-${block.line}.ts`);
          await writeFile(file, `${block.code}\nexport {};\n`);
          return { doc, block, file };
        }),
      );
      blocksOf.set(doc, written);
    }
    problems = typeCheck([...blocksOf.values()].flat());
  }, 120_000);

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('leaves no problem outside the documents (the context file, the options)', () => {
    expect(problems.get('(global)') ?? []).toEqual([]);
  });

  it.each(guideFiles())('%s: has TypeScript blocks that all compile', async (doc) => {
    // A document with code but no TypeScript block (a fence misspelt) would pass unchecked.
    const hasCode = codeBlocks(await readFile(join(ROOT, doc), 'utf8')).length > 0;
    if (hasCode) expect(blocksOf.get(doc)?.length ?? 0).toBeGreaterThan(0);
    expect(problems.get(doc) ?? []).toEqual([]);
  });
});
