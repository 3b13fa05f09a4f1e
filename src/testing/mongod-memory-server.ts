import { lookup } from 'node:dns/promises';
import type * as MemoryServerCore from 'mongodb-memory-server-core';
import { requireOptional, resolveOptional } from './optional-peer';

type Core = typeof MemoryServerCore;
type DownloadUrlModule =
  typeof import('mongodb-memory-server-core/lib/util/MongoBinaryDownloadUrl');

/** A mongod started by mongodb-memory-server. */
export interface StartedMongod {
  readonly uri: string;
  readonly reason: string;
  stop(): Promise<void>;
}

/** Why no mongod could be had, or that mongodb-memory-server is not installed at all. */
export type MongodUnavailable =
  | { readonly kind: 'not-installed'; readonly reason: string }
  | { readonly kind: 'failed'; readonly reason: string };

const CORE = 'mongodb-memory-server-core';
const WRAPPER = 'mongodb-memory-server';

/** What {@link startMongodFromMemoryServer} starts. */
export interface MongodStartOptions {
  /** A one-member replica set of this name; unset, a standalone. */
  readonly replicaSet?: string;
  /** mongod's `ttlMonitorSleepSecs` parameter; unset, mongod's 60 s. */
  readonly ttlMonitorSleepSecs?: number;
}

/**
 * Starts a real `mongod` through mongodb-memory-server when its binary is cached or can be
 * downloaded: a standalone, or with `replicaSet` a one-member replica set of that name
 * (`MongoMemoryReplSet`). An unreachable download host is detected by one DNS lookup, in
 * milliseconds, instead of mongodb-memory-server's retries over several seconds.
 */
export async function startMongodFromMemoryServer(
  options: MongodStartOptions = {},
): Promise<StartedMongod | MongodUnavailable> {
  const { replicaSet, ttlMonitorSleepSecs } = options;
  const args =
    ttlMonitorSleepSecs === undefined
      ? []
      : ['--setParameter', `ttlMonitorSleepSecs=${ttlMonitorSleepSecs}`];
  const loaded = loadCore();
  if (!loaded) {
    return {
      kind: 'not-installed',
      reason: `neither ${WRAPPER} nor ${CORE} is installed`,
    };
  }
  const { core, downloadUrl } = loaded;
  try {
    const binaryOptions = await core.DryMongoBinary.generateOptions();
    const cached = await core.DryMongoBinary.locateBinary(binaryOptions);
    if (!cached) {
      const url = await new downloadUrl.MongoBinaryDownloadUrl(binaryOptions).getDownloadUrl();
      const host = new URL(url).hostname;
      try {
        await lookup(host);
      } catch (error) {
        return {
          kind: 'failed',
          reason: `no mongod binary is cached and its download host cannot be resolved (${describe(error)})`,
        };
      }
    }
    const server =
      replicaSet === undefined
        ? await core.MongoMemoryServer.create({ instance: { args } })
        : await core.MongoMemoryReplSet.create({
            replSet: { count: 1, name: replicaSet },
            instanceOpts: [{ args }],
          });
    return {
      uri: server.getUri(),
      reason: cached ? `cached mongod at ${cached}` : 'mongod downloaded by mongodb-memory-server',
      stop: async () => {
        await server.stop();
      },
    };
  } catch (error) {
    return {
      kind: 'failed',
      reason: `mongodb-memory-server could not start mongod (${describe(error)})`,
    };
  }
}

/**
 * mongodb-memory-server-core, installed directly or as the dependency of
 * mongodb-memory-server (reached through its dependent under strict layouts).
 */
function loadCore(): { core: Core; downloadUrl: DownloadUrlModule } | undefined {
  const direct = requireOptional<Core>(CORE);
  if (direct) {
    const downloadUrl = requireOptional<DownloadUrlModule>(
      `${CORE}/lib/util/MongoBinaryDownloadUrl`,
    );
    if (downloadUrl) return { core: direct, downloadUrl };
  }
  const wrapper = resolveOptional(WRAPPER);
  if (!wrapper) return undefined;
  const core = requireOptional<Core>(CORE, wrapper);
  const downloadUrl = requireOptional<DownloadUrlModule>(
    `${CORE}/lib/util/MongoBinaryDownloadUrl`,
    wrapper,
  );
  return core && downloadUrl ? { core, downloadUrl } : undefined;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
