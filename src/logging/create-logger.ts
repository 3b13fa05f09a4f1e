import { createLogger, format, transports, type Logger } from 'winston';

/**
 * The logger Docket uses when the caller passes none: console, level from
 * `DOCKET_LOG_LEVEL` (default `info`), timestamps and metadata on one line.
 */
export function createDefaultLogger(): Logger {
  return createLogger({
    level: process.env.DOCKET_LOG_LEVEL ?? 'info',
    format: format.combine(
      format.timestamp(),
      format.printf(({ timestamp, level, message, ...meta }) => {
        const fields = Object.entries(meta)
          .filter(([key]) => key !== 'error')
          .map(([key, value]) => `${key}=${String(value)}`)
          .join(' ');
        return `${String(timestamp)} ${level} ${String(message)}${fields ? ` ${fields}` : ''}`;
      }),
    ),
    transports: [new transports.Console({ stderrLevels: ['error', 'warn'] })],
  });
}
