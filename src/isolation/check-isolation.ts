import { existsSync } from 'node:fs';
import { InvalidOptionsError } from '../errors';
import type { HandlerRegistration } from '../handlers';
import type { ResolvedIsolationOptions } from './isolation-options';

/**
 * Checks, before a server starts, that the handlers asking for `'thread'` or `'process'`
 * isolation can have it: a bootstrap module is configured and its file exists.
 * @throws InvalidOptionsError (`option: 'isolation.bootstrap'`) naming those handlers.
 */
export function checkIsolation(
  options: ResolvedIsolationOptions,
  registrations: readonly HandlerRegistration[],
): void {
  const isolated = registrations.filter(({ options }) => options.isolation !== 'inline');
  if (isolated.length === 0) return;
  const handlers = isolated
    .map(({ handlerClass, options }) => `${handlerClass.name} (${options.isolation})`)
    .join(', ');
  if (options.bootstrap === undefined) {
    throw new InvalidOptionsError(
      `isolation.bootstrap is required: handlers ${handlers} run isolated, and their workers ` +
        'load the module that registers them (an absolute path or a file: URL)',
      { option: 'isolation.bootstrap' },
    );
  }
  if (!existsSync(options.bootstrap)) {
    throw new InvalidOptionsError(
      `isolation.bootstrap names no file: ${options.bootstrap} (for handlers ${handlers})`,
      { option: 'isolation.bootstrap' },
    );
  }
}
