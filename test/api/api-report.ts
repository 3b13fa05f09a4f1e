import { join } from 'node:path';
import {
  Extractor,
  ExtractorConfig,
  ExtractorLogLevel,
  type ExtractorMessage,
} from '@microsoft/api-extractor';
import ts from 'typescript';

/** The repository root. */
export const ROOT = join(__dirname, '..', '..');

/** The package's entry points (the `exports` map) and the name of each one's report. */
export const ENTRY_POINTS = [
  { subpath: '.', declarations: 'index.d.ts', report: 'docket' },
  { subpath: './testing', declarations: 'testing/index.d.ts', report: 'docket-testing' },
  { subpath: './client', declarations: 'client/index.d.ts', report: 'docket-client' },
  { subpath: './dashboard', declarations: 'dashboard/index.d.ts', report: 'docket-dashboard' },
  {
    subpath: './opentelemetry',
    declarations: 'opentelemetry/index.d.ts',
    report: 'docket-opentelemetry',
  },
] as const;

/** What one entry point's check found. */
export interface ApiReportResult {
  readonly subpath: string;
  /** The report in docs/api differs from the declarations (or was missing). */
  readonly changed: boolean;
  /** Problems: types in public signatures that no entry point exports, compiler errors. */
  readonly problems: readonly string[];
}

/**
 * Compares each entry point's public surface with its checked-in report in `docs/api/`
 * (`update: true` rewrites the reports instead). A type that appears in a public signature
 * must be exported by that entry point or, for the subpaths, by the main entry point (the
 * dashboard's `createDashboardHandler(docket: Docket)` names the main entry's `Docket`).
 *
 * @param distDir - Folder holding the compiled declarations (`tsc -p tsconfig.build.json`).
 */
export function checkApiReports(distDir: string, update: boolean): ApiReportResult[] {
  const mainExports = exportedNames(join(distDir, 'index.d.ts'));
  return ENTRY_POINTS.map((entry) => {
    const problems: string[] = [];
    const config = ExtractorConfig.prepare({
      configObjectFullPath: undefined,
      packageJsonFullPath: join(ROOT, 'package.json'),
      configObject: {
        projectFolder: ROOT,
        mainEntryPointFilePath: join(distDir, entry.declarations),
        compiler: { tsconfigFilePath: join(ROOT, 'tsconfig.build.json') },
        apiReport: {
          enabled: true,
          reportFileName: entry.report,
          reportFolder: join(ROOT, 'docs', 'api'),
          reportTempFolder: join(distDir, 'api-report'),
        },
        // LF like every other file of the repository (API Extractor writes CRLF by default).
        newlineKind: 'lf',
        docModel: { enabled: false },
        dtsRollup: { enabled: false },
        tsdocMetadata: { enabled: false },
        messages: {
          compilerMessageReporting: { default: { logLevel: ExtractorLogLevel.Error } },
          extractorMessageReporting: {
            default: { logLevel: ExtractorLogLevel.Warning },
            'ae-forgotten-export': { logLevel: ExtractorLogLevel.Error },
            // Release tags (@public, @beta) are not used: everything exported is public.
            'ae-missing-release-tag': { logLevel: ExtractorLogLevel.None },
            'ae-unresolved-link': { logLevel: ExtractorLogLevel.None },
          },
          tsdocMessageReporting: { default: { logLevel: ExtractorLogLevel.None } },
        },
      },
    });
    const result = Extractor.invoke(config, {
      localBuild: update,
      messageCallback: (message: ExtractorMessage) => {
        message.handled = true;
        if (message.logLevel !== ExtractorLogLevel.Error) return;
        const symbol = /The symbol "([^"]+)"/.exec(message.text)?.[1];
        const exportedByMain =
          message.messageId === 'ae-forgotten-export' &&
          entry.subpath !== '.' &&
          symbol !== undefined &&
          mainExports.has(symbol);
        if (!exportedByMain) problems.push(`${message.messageId}: ${message.text}`);
      },
    });
    return { subpath: entry.subpath, changed: result.apiReportChanged, problems };
  });
}

/** Names a declaration file exports, types included. */
function exportedNames(file: string): Set<string> {
  const program = ts.createProgram([file], { skipLibCheck: true, types: [] });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(file);
  const moduleSymbol = source && checker.getSymbolAtLocation(source);
  if (!moduleSymbol) throw new Error(`cannot read the exports of ${file}`);
  return new Set(checker.getExportsOfModule(moduleSymbol).map((symbol) => symbol.name));
}
