import { dataCommands } from './commands/data-commands';
import { StandInStore } from './engine/stand-in-store';
import { resolveStandInOptions, type StandInOptions } from './stand-in-options';
import { StandInWireServer } from './stand-in-server';

export type { StandInOptions } from './stand-in-options';

/** A running stand-in. */
export interface StandInServer {
  /** `mongodb://127.0.0.1:PORT/?directConnection=true`. */
  readonly uri: string;
  readonly port: number;
  /** Closes the listener and every open connection; its data is gone. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts Docket's in-memory, MongoDB-wire-compatible stand-in: it answers the official
 * `mongodb` driver as a standalone mongod 7.0 would, for tests and samples where no real
 * `mongod` can be had. It is never the product: data lives in this process's memory.
 *
 * @throws StandInOptionsError for invalid options; the listen error (EADDRINUSE...) otherwise.
 */
export async function startStandIn(options?: StandInOptions): Promise<StandInServer> {
  const resolved = resolveStandInOptions(options);
  const store = new StandInStore({
    transactionLifetimeLimitMs: resolved.transactionLifetimeLimitMs,
  });
  const server = new StandInWireServer(resolved, { store, dataCommands });
  try {
    await server.start();
  } catch (error) {
    await server.stop();
    throw error;
  }
  return Object.freeze({
    uri: server.uri,
    port: server.port,
    stop: () => server.stop(),
  });
}
