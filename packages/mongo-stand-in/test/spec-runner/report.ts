/**
 * Prints the runner's verdicts: one `FAIL` or `SKIP` line per test as it happens and, at
 * the end, exactly one `N passed, N failed, N skipped` line (CI reads that literal form).
 */
export class Report {
  private passed = 0;
  private failed = 0;
  private skipped = 0;

  constructor(
    private readonly write: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
    private readonly verbose = false,
  ) {}

  pass(file: string, test: string): void {
    this.passed++;
    if (this.verbose) this.write(`PASS ${file} › ${test}`);
  }

  fail(file: string, test: string, why: string): void {
    this.failed++;
    this.write(`FAIL ${file} › ${test}: ${oneLine(why)}`);
  }

  skip(file: string, test: string, reason: string): void {
    this.skipped++;
    this.write(`SKIP ${file} › ${test}: ${oneLine(reason)}`);
  }

  /** A line of context (target server, unchecked features), printed as is. */
  note(line: string): void {
    this.write(line);
  }

  get hasFailures(): boolean {
    return this.failed > 0;
  }

  /** Prints the summary line. */
  summarize(): void {
    this.write(`${this.passed} passed, ${this.failed} failed, ${this.skipped} skipped`);
  }
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ');
}
