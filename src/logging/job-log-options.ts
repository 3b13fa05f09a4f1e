import {
  checkInteger,
  checkKnownKeys,
  checkOneOf,
  checkPlainObject,
} from '../options/option-checks';

/** A winston npm level: a job keeps lines at its level and above. */
export type JobLogLevel = 'error' | 'warn' | 'info' | 'http' | 'verbose' | 'debug' | 'silly';

/** winston's npm levels, most severe first. */
export const JOB_LOG_LEVELS: readonly JobLogLevel[] = [
  'error',
  'warn',
  'info',
  'http',
  'verbose',
  'debug',
  'silly',
];

/**
 * What is kept of the lines handlers log through `JobContext.logger` (they go to the Docket
 * logger as well, whatever these say).
 */
export interface JobLogOptions {
  /**
   * The least severe level kept with the job, or `false` to keep none.
   * @defaultValue `'info'`
   */
  level?: JobLogLevel | false;
  /**
   * Lines kept per job, over all its attempts; past it (or `maxBytesPerJob`) a line says the
   * log was truncated and later lines are dropped.
   * @defaultValue `1000`
   */
  maxLinesPerJob?: number;
  /**
   * Bytes kept per job (messages and fields, UTF-8).
   * @defaultValue `262144` (256 KiB)
   */
  maxBytesPerJob?: number;
  /**
   * How long a line may wait before its batch is written (ms); a batch is written at once when
   * it reaches 100 lines, and when the attempt ends.
   * @defaultValue `500`
   */
  flushIntervalMs?: number;
}

/** {@link JobLogOptions} with defaults applied. */
export type ResolvedJobLogOptions = Readonly<Required<JobLogOptions>>;

/** The defaults of {@link JobLogOptions}. */
export const JOB_LOG_DEFAULTS = {
  level: 'info',
  maxLinesPerJob: 1_000,
  maxBytesPerJob: 256 * 1024,
  flushIntervalMs: 500,
} as const satisfies ResolvedJobLogOptions;

/** Validates job log options; throws `InvalidOptionsError` naming the option. */
export function resolveJobLogOptions(options: JobLogOptions | undefined): ResolvedJobLogOptions {
  if (options === undefined) return JOB_LOG_DEFAULTS;
  checkPlainObject('jobLogs', options);
  checkKnownKeys('jobLogs', options, Object.keys(JOB_LOG_DEFAULTS));
  return Object.freeze({
    level:
      options.level === undefined
        ? JOB_LOG_DEFAULTS.level
        : checkOneOf('jobLogs.level', options.level, [...JOB_LOG_LEVELS, false] as const),
    maxLinesPerJob: checkInteger(
      'jobLogs.maxLinesPerJob',
      options.maxLinesPerJob ?? JOB_LOG_DEFAULTS.maxLinesPerJob,
      { min: 1, max: 1_000_000 },
    ),
    maxBytesPerJob: checkInteger(
      'jobLogs.maxBytesPerJob',
      options.maxBytesPerJob ?? JOB_LOG_DEFAULTS.maxBytesPerJob,
      { min: 1_024, max: 64 * 1024 * 1024 },
    ),
    flushIntervalMs: checkInteger(
      'jobLogs.flushIntervalMs',
      options.flushIntervalMs ?? JOB_LOG_DEFAULTS.flushIntervalMs,
      { min: 1, max: 60_000 },
    ),
  });
}

/** The more verbose of the server logger's level and the job log's (what workers send). */
export function mostVerbose(loggerLevel: string, jobLogLevel: JobLogLevel | false): JobLogLevel {
  const levels = [loggerLevel, jobLogLevel]
    .map((level) => JOB_LOG_LEVELS.indexOf(level as JobLogLevel))
    .filter((index) => index >= 0);
  return JOB_LOG_LEVELS[Math.max(0, ...levels)]!;
}
