/** What `npm run faults -- ...` was asked for. */
export interface FaultsArgs {
  readonly quick: boolean;
  /** Set by `--seed N`; otherwise chosen at random (and printed). */
  readonly seed: number | undefined;
  /** Scenario keys to run (`--only a,b`); all when empty. */
  readonly only: readonly string[];
  /** Keep each scenario's database (`--keep`), to look into it afterwards. */
  readonly keep: boolean;
  /** Write the results as JSON to this file (`--json path`). */
  readonly json: string | undefined;
  readonly help: boolean;
}

export const USAGE = `npm run faults -- [--quick] [--seed N] [--only key,key] [--keep] [--json file]

  --quick       the small version (under two minutes; what npm test runs)
  --seed N      the seed of the fault schedule and of the generated inputs (printed at start)
  --only keys   run only these scenarios (keys: see below)
  --keep        keep each scenario's database
  --json file   also write the results as JSON
Exit code: 0 when every bad column is zero, 1 otherwise, 2 for bad arguments.
`;

/** Parses the command line; throws with a message for anything it does not know. */
export function parseArgs(argv: readonly string[]): FaultsArgs {
  let quick = false;
  let seed: number | undefined;
  let only: string[] = [];
  let keep = false;
  let json: string | undefined;
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${arg} needs a value`);
      return next;
    };
    switch (arg) {
      case '--quick':
        quick = true;
        break;
      case '--seed': {
        const text = value();
        if (!/^\d{1,10}$/.test(text) || Number(text) > 4_294_967_295) {
          throw new Error(`--seed needs an integer from 0 to 4294967295, got ${text}`);
        }
        seed = Number(text);
        break;
      }
      case '--only':
        only = value()
          .split(',')
          .map((key) => key.trim())
          .filter(Boolean);
        break;
      case '--keep':
        keep = true;
        break;
      case '--json':
        json = value();
        break;
      case '--help':
      case '-h':
        help = true;
        break;
      default:
        throw new Error(`unknown argument ${arg}`);
    }
  }
  return { quick, seed, only, keep, json, help };
}
