import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

/*
 * Checks that only the compiler can make: the fixtures are compiled with the project's
 * tsconfig.json (jest's ts-jest only transpiles, so a type error there could never fail a
 * test). In a fixture, `// @expect-error TSnnnn: text` says that the next line must have
 * that diagnostic, its message containing `text`; every other line must compile.
 */

const ROOT = join(__dirname, '..', '..', '..');
const FIXTURES = join(__dirname, 'fixtures');
const MARKER = /^\s*\/\/ @expect-error TS(\d+): (.+)$/;

interface Expected {
  readonly line: number;
  readonly code: number;
  readonly text: string;
}

interface Found {
  readonly line: number;
  readonly code: number;
  readonly message: string;
}

/** The diagnostics each fixture's markers ask for, by the 1-based line they point at. */
function expectedDiagnostics(file: string): Expected[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .flatMap((text, index) => {
      const marker = MARKER.exec(text);
      return marker ? [{ line: index + 2, code: Number(marker[1]), text: marker[2] }] : [];
    });
}

function compile(files: readonly string[]): Map<string, Found[]> {
  const config = ts.getParsedCommandLineOfConfigFile(
    join(ROOT, 'tsconfig.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
      },
    },
  );
  if (!config) throw new Error('tsconfig.json could not be read');
  const program = ts.createProgram(files, { ...config.options, noEmit: true });
  return new Map(
    files.map((file) => {
      const source = program.getSourceFile(file);
      if (!source) throw new Error(`${file} was not compiled`);
      const diagnostics = [
        ...program.getSyntacticDiagnostics(source),
        ...program.getSemanticDiagnostics(source),
      ];
      return [
        file,
        diagnostics.map((diagnostic) => ({
          line: source.getLineAndCharacterOfPosition(diagnostic.start ?? 0).line + 1,
          code: diagnostic.code,
          message: ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'),
        })),
      ];
    }),
  );
}

describe('compile-time checks', () => {
  const fixtures = readdirSync(FIXTURES)
    .filter((name) => name.endsWith('.fixture.ts'))
    .sort();
  let found: Map<string, Found[]>;

  beforeAll(() => {
    found = compile(fixtures.map((name) => join(FIXTURES, name)));
  }, 120_000);

  it('has the fixtures, each with expected errors', () => {
    expect(fixtures).toEqual(['command-results.fixture.ts', 'saga-reactions.fixture.ts']);
    for (const name of fixtures) {
      expect(expectedDiagnostics(join(FIXTURES, name)).length).toBeGreaterThan(0);
    }
  });

  it('keeps the fixtures out of the project build (they hold errors on purpose)', () => {
    const config = ts.readConfigFile(join(ROOT, 'tsconfig.json'), ts.sys.readFile).config as {
      exclude: string[];
    };
    expect(config.exclude).toContain('test/unit/typing/fixtures');
  });

  it.each(['command-results.fixture.ts', 'saga-reactions.fixture.ts'])(
    '%s: exactly the marked lines fail, each with its diagnostic',
    (name) => {
      const file = join(FIXTURES, name);
      const expected = expectedDiagnostics(file);
      const diagnostics = [...(found.get(file) ?? [])].sort((a, b) => a.line - b.line);
      expect(diagnostics.map(({ line, code }) => ({ line, code }))).toEqual(
        expected.map(({ line, code }) => ({ line, code })),
      );
      for (const { line, text } of expected) {
        const messages = diagnostics.filter((d) => d.line === line).map((d) => d.message);
        expect(messages.join('\n')).toContain(text);
      }
    },
  );
});
