import type { Document, MongoClient } from 'mongodb';

/** The topologies a target can be (`sharded-replicaset` is a requirement, not a target). */
export const TOPOLOGIES = ['single', 'replicaset', 'sharded', 'load-balanced'] as const;

/** A topology name of `runOnRequirement.topologies`. */
export type Topology = (typeof TOPOLOGIES)[number];

/** Whether `name` is one of {@link TOPOLOGIES}. */
export function isTopology(name: string): name is Topology {
  return (TOPOLOGIES as readonly string[]).includes(name);
}

/** What the requirements of a test are evaluated against. */
export interface TargetServer {
  /** `buildInfo.version`, e.g. `7.0.12`. */
  readonly version: string;
  readonly topology: Topology;
  /** Whether the connection string carries credentials. */
  readonly auth: boolean;
  /** Reads one server parameter (`getParameter`); `undefined` when the server has none. */
  getParameter(name: string): Promise<unknown>;
}

/**
 * Describes the server behind `client` (the runner's internal client): its version from
 * `buildInfo`, its topology from `hello` (standalone unless `setName` or `msg: 'isdbgrid'`).
 */
export async function describeTargetServer(
  client: MongoClient,
  uri: string,
): Promise<TargetServer> {
  const admin = client.db('admin');
  const buildInfo = await admin.command({ buildInfo: 1 });
  const hello = await admin.command({ hello: 1 });
  const cache = new Map<string, Promise<unknown>>();
  return {
    version: String(buildInfo.version),
    topology: topologyOf(hello),
    auth: hasCredentials(uri),
    getParameter(name) {
      let pending = cache.get(name);
      if (!pending) {
        pending = admin.command({ getParameter: 1, [name]: 1 }).then(
          (reply) => reply[name],
          () => undefined,
        );
        cache.set(name, pending);
      }
      return pending;
    },
  };
}

/**
 * The target assumed by `--list`, which runs without a server: a server of the given
 * version and topology (a standalone unless told) without server parameters or credentials.
 */
export function assumedTargetServer(version: string, topology: Topology = 'single'): TargetServer {
  return { version, topology, auth: false, getParameter: async () => undefined };
}

function topologyOf(hello: Document): Topology {
  if (hello.msg === 'isdbgrid') return 'sharded';
  if (typeof hello.setName === 'string') return 'replicaset';
  if (hello.serviceId !== undefined) return 'load-balanced';
  return 'single';
}

/** Whether the connection string names a user before its host list. */
function hasCredentials(uri: string): boolean {
  const authority = uri.replace(/^mongodb(?:\+srv)?:\/\//, '').split('/')[0] ?? '';
  return authority.includes('@');
}
