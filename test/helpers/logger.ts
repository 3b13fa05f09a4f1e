import { createLogger, transports, type Logger } from 'winston';

/** A winston logger that writes nothing (set DOCKET_TEST_LOGS=1 to see the logs). */
export function quietLogger(): Logger {
  return createLogger({
    level: 'debug',
    transports: [new transports.Console({ silent: process.env.DOCKET_TEST_LOGS !== '1' })],
  });
}

/** A winston logger that writes warnings and errors to stderr (a worker process's, say). */
export function warningsToStderr(): Logger {
  return createLogger({
    level: 'warn',
    transports: [new transports.Console({ stderrLevels: ['error', 'warn'] })],
  });
}
