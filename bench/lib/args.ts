import { join } from 'node:path';

/** The scenarios, in run and report order. */
export const SCENARIOS = ['drain', 'enqueue', 'pickup', 'idle', 'backlog', 'recurring'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

const ROOT = join(__dirname, '..', '..');

/** Options of one bench run. */
export interface BenchOptions {
  /** Tiny counts, one repetition (a smoke run under a minute). */
  readonly quick: boolean;
  /** Scenarios to run (all by default). */
  readonly scenarios: readonly ScenarioName[];
  /** Repetitions (default from the scale: 3 full, 1 quick). */
  readonly reps: number | null;
  /** Where the result JSON files go. */
  readonly resultsDir: string;
  /** Where the Markdown report goes, and its charts beside it in `benchmarks/` (null: none). */
  readonly reportPath: string | null;
  /** Only regenerate the report from the results directory. */
  readonly reportOnly: boolean;
}

const USAGE = `usage: npm run bench -- [--quick] [--scenario <name>]... [--reps N] [--out <dir>] [--report <file.md> | --no-report] [--report-only]
scenarios: ${SCENARIOS.join(', ')}`;

/** Parses the command line; throws with the usage on a bad argument. */
export function parseArgs(argv: readonly string[]): BenchOptions {
  let quick = false;
  let reps: number | null = null;
  let out: string | null = null;
  let report: string | null | undefined;
  let reportOnly = false;
  const scenarios: ScenarioName[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${arg} needs a value\n${USAGE}`);
      return next;
    };
    switch (arg) {
      case '--quick':
        quick = true;
        break;
      case '--scenario': {
        const name = value();
        if (!(SCENARIOS as readonly string[]).includes(name)) {
          throw new Error(`unknown scenario '${name}'\n${USAGE}`);
        }
        scenarios.push(name as ScenarioName);
        break;
      }
      case '--reps': {
        reps = Number(value());
        if (!Number.isInteger(reps) || reps < 1 || reps > 20) {
          throw new Error(`--reps must be an integer from 1 to 20\n${USAGE}`);
        }
        break;
      }
      case '--out':
        out = value();
        break;
      case '--report':
        report = value();
        break;
      case '--no-report':
        report = null;
        break;
      case '--report-only':
        reportOnly = true;
        break;
      case '--help':
      case '-h':
        throw new Error(USAGE);
      default:
        throw new Error(`unknown argument '${arg}'\n${USAGE}`);
    }
  }
  // A quick run never overwrites the committed results or the committed report.
  const resultsDir =
    out ?? (quick ? join(ROOT, 'bench', 'results', 'quick') : join(ROOT, 'bench', 'results'));
  const reportPath =
    report === undefined ? (quick ? null : join(ROOT, 'docs', 'benchmarks.md')) : report;
  return {
    quick,
    scenarios: scenarios.length > 0 ? scenarios : [...SCENARIOS],
    reps,
    resultsDir,
    reportPath,
    reportOnly,
  };
}
