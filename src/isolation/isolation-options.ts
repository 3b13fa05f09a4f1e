import { isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvalidOptionsError } from '../errors';
import {
  checkInteger,
  checkKnownKeys,
  checkPlainObject,
  checkString,
  describeValue,
} from '../options/option-checks';

/** Heap limits of each worker thread (Node's `resourceLimits` of `new Worker`), in MB. */
export interface IsolationResourceLimits {
  /** Largest main heap; past it the thread ends with an out-of-memory error. */
  maxOldGenerationSizeMb?: number;
  /** Largest heap space for recently created objects. */
  maxYoungGenerationSizeMb?: number;
  /** Size of the memory range reserved for generated code. */
  codeRangeSizeMb?: number;
  /** Largest stack of the thread. */
  stackSizeMb?: number;
}

/** The `isolation` option of a job server: how handlers with `isolation` other than `'inline'` run. */
export interface IsolationOptions {
  /**
   * The module each worker thread or child process loads first: an absolute path or a
   * `file:` URL. It imports the application's job and handler classes (so that `@Job` and
   * `@JobHandler` register them in the worker) and may export `container` (a tsyringe
   * container, or a function, possibly async, returning one) and `handlers` (the handler
   * classes); see `IsolationBootstrapModule`. Required as soon as one handler asks for
   * `'thread'` or `'process'`.
   * @defaultValue none
   */
  bootstrap?: string;
  /**
   * How long an isolated handler told to stop (timeout, deletion, lost lease, stopping
   * server) may take to settle before its worker is terminated and replaced (ms).
   * @defaultValue `5000`
   */
  terminateGraceMs?: number;
  /**
   * Heap limits of each worker thread (`'thread'` isolation); a thread past them fails its
   * attempt with `IsolatedWorkerExitedError` (`reason: 'outOfMemory'`).
   * @defaultValue Node's defaults
   */
  resourceLimits?: IsolationResourceLimits;
  /**
   * Node options of each child process (`'process'` isolation), e.g.
   * `['--max-old-space-size=256']`. The server's own options are not inherited.
   * @defaultValue `[]`
   */
  execArgv?: readonly string[];
}

/** {@link IsolationOptions} with every default applied, validated and frozen. */
export interface ResolvedIsolationOptions {
  /** Absolute path of the bootstrap module; `undefined` when none was given. */
  readonly bootstrap: string | undefined;
  readonly terminateGraceMs: number;
  readonly resourceLimits: Readonly<IsolationResourceLimits>;
  readonly execArgv: readonly string[];
}

export const ISOLATION_DEFAULTS = {
  terminateGraceMs: 5_000,
} as const;

const RESOURCE_LIMITS = [
  'maxOldGenerationSizeMb',
  'maxYoungGenerationSizeMb',
  'codeRangeSizeMb',
  'stackSizeMb',
] as const;

/**
 * Validates the `isolation` server option.
 * @throws InvalidOptionsError naming the option, e.g. "isolation.bootstrap must be an
 *   absolute path or a file: URL, got "./setup.js"".
 */
export function resolveIsolationOptions(options: IsolationOptions = {}): ResolvedIsolationOptions {
  checkPlainObject('isolation', options);
  checkKnownKeys('isolation', options, [
    'bootstrap',
    'terminateGraceMs',
    'resourceLimits',
    'execArgv',
  ]);
  const limits = checkPlainObject('isolation.resourceLimits', options.resourceLimits ?? {});
  checkKnownKeys('isolation.resourceLimits', limits, RESOURCE_LIMITS);
  const resourceLimits: IsolationResourceLimits = {};
  for (const name of RESOURCE_LIMITS) {
    if (limits[name] === undefined) continue;
    resourceLimits[name] = checkInteger(`isolation.resourceLimits.${name}`, limits[name], {
      min: 1,
      max: 1_048_576,
    });
  }
  const execArgv = options.execArgv ?? [];
  if (!Array.isArray(execArgv)) {
    throw new InvalidOptionsError(
      `isolation.execArgv must be an array of strings, got ${describeValue(execArgv)}`,
      { option: 'isolation.execArgv' },
    );
  }
  execArgv.forEach((arg, i) => checkString(`isolation.execArgv[${i}]`, arg));
  return Object.freeze({
    bootstrap: options.bootstrap === undefined ? undefined : bootstrapPath(options.bootstrap),
    terminateGraceMs: checkInteger(
      'isolation.terminateGraceMs',
      options.terminateGraceMs ?? ISOLATION_DEFAULTS.terminateGraceMs,
      { min: 0, max: 2_147_483_647 },
    ),
    resourceLimits: Object.freeze(resourceLimits),
    execArgv: Object.freeze([...execArgv]),
  });
}

/** The bootstrap module's absolute path, from a path or a `file:` URL. */
function bootstrapPath(value: unknown): string {
  const given = checkString('isolation.bootstrap', value);
  let path: string | undefined;
  try {
    path = given.startsWith('file:') ? fileURLToPath(given) : given;
  } catch {
    path = undefined;
  }
  if (path === undefined || !isAbsolute(path)) {
    throw new InvalidOptionsError(
      `isolation.bootstrap must be an absolute path or a file: URL, got ${describeValue(given)}`,
      { option: 'isolation.bootstrap' },
    );
  }
  return path;
}
