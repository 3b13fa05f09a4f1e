import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Docket } from '../docket';
import { InvalidOptionsError } from '../errors';
import { checkInteger, checkPlainObject, checkString } from '../options/option-checks';
import { createDashboardHandler, type DashboardHandler } from './dashboard-handler';
import type { DashboardOptions } from './dashboard-options';
import { isLoopbackHostName } from './http/request-guards';

/** Options of {@link startDashboard}: the handler's, plus where to listen. */
export interface StandaloneDashboardOptions extends Omit<DashboardOptions, 'allowUnauthenticated'> {
  /**
   * TCP port; 0 picks a free one (see `url`).
   * @defaultValue `0`
   */
  port?: number;
  /**
   * Interface to bind. Anything but a loopback address or `localhost` requires `authorize`.
   * @defaultValue `'127.0.0.1'`
   */
  host?: string;
}

/** A running standalone dashboard. */
export interface RunningDashboard {
  /** Where to open it, e.g. `http://127.0.0.1:4321/`. */
  readonly url: string;
  /** The TCP port it listens on: the one asked for, or the free one picked for `0`. */
  readonly port: number;
  /** The underlying server (for tests and tuning). */
  readonly server: Server;
  /** The request handler it serves. */
  readonly handler: DashboardHandler;
  /** Stops listening and closes open connections. Idempotent. */
  close(): Promise<void>;
}

/**
 * Serves the dashboard on its own HTTP server, in one call.
 *
 * ```ts
 * const dashboard = await startDashboard(docket, { port: 3000 }); // loopback, no auth
 * console.log(dashboard.url);
 * ```
 *
 * On a loopback host (the default) `authorize` is optional: without it, only loopback
 * requests that came through no proxy are served (see `allowUnauthenticated` of
 * {@link DashboardOptions}). On any other host `authorize` is required, and so it is behind
 * a reverse proxy, which connects from loopback for remote users.
 * @throws InvalidOptionsError - for invalid options, or a non-loopback host without authorize.
 */
export async function startDashboard(
  docket: Docket,
  options: StandaloneDashboardOptions = {},
): Promise<RunningDashboard> {
  checkPlainObject('options', options);
  const { port: givenPort, host: givenHost, ...handlerOptions } = options;
  const port = checkInteger('port', givenPort ?? 0, { min: 0, max: 65_535 });
  const host = checkString('host', givenHost ?? '127.0.0.1', { maxLength: 255 });
  const loopback = isLoopbackHostName(host);
  if (!loopback && handlerOptions.authorize === undefined) {
    throw new InvalidOptionsError(
      `authorize is required when host is not loopback (host is ${JSON.stringify(host)}): ` +
        'pass authorize(req) => boolean, or bind to 127.0.0.1',
      { option: 'authorize' },
    );
  }
  const handler = createDashboardHandler(docket, {
    ...handlerOptions,
    ...(handlerOptions.authorize === undefined ? { allowUnauthenticated: true } : {}),
  });
  const server = createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const basePath = handlerOptions.basePath ?? '/';
  let closing: Promise<void> | undefined;
  return {
    url: `http://${shownHost}:${address.port}${basePath.endsWith('/') ? basePath : `${basePath}/`}`,
    port: address.port,
    server,
    handler,
    close: () =>
      (closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      })),
  };
}
