import type { MongoClientOptions } from 'mongodb';
import { ClientEventLog } from './client-event-log';
import type { Topology } from './target-server';
import type { ClientEntityDescription } from './unified-test-file';
import { UnsupportedFeatureError } from './unsupported-feature.error';

/** Client options every entity client gets, so that a dead server fails a test quickly. */
const CLIENT_DEFAULTS: MongoClientOptions = { serverSelectionTimeoutMS: 10_000 };

/**
 * The driver options of a client entity: the runner's defaults, then `uriOptions` (URI
 * option names, which the driver also takes in its options object, case-insensitively,
 * and which win over the connection string as the format requires), `serverApi`, and
 * command monitoring when the client observes or stores command events.
 *
 * `useMultipleMongoses` only matters on a sharded cluster: `false` is what a one-host URI
 * gives anyway; `true` with a one-host URI cannot be honoured, and makes the test a skip.
 */
export function toClientOptions(
  description: ClientEntityDescription,
  target: { readonly uri: string; readonly topology: Topology },
): MongoClientOptions {
  if (
    description.useMultipleMongoses === true &&
    target.topology === 'sharded' &&
    hostCount(target.uri) < 2
  ) {
    throw new UnsupportedFeatureError('needs a connection string naming several mongoses');
  }
  const options: MongoClientOptions = { ...CLIENT_DEFAULTS, ...description.uriOptions };
  if (description.serverApi) {
    options.serverApi = description.serverApi as MongoClientOptions['serverApi'];
  }
  const storesCommandEvents = (description.storeEventsAsEntities ?? []).some((entity) =>
    entity.events.some((name) => name.startsWith('Command')),
  );
  if (ClientEventLog.needsCommandMonitoring(description.observeEvents) || storesCommandEvents) {
    options.monitorCommands = true;
  }
  return options;
}

/**
 * `uri` narrowed to the one server at `address` (`host:port`): same credentials and
 * options, `directConnection=true`, no `replicaSet`. For the fail points of
 * `targetedFailPoint`, which must reach the mongos a session is pinned to.
 */
export function singleServerUri(uri: string, address: string): string {
  const { credentials, path, query } = parseUri(uri);
  const params = new URLSearchParams(query);
  params.delete('replicaSet');
  params.set('directConnection', 'true');
  return `mongodb://${credentials}${address}${path}?${params.toString()}`;
}

/** How many hosts a `mongodb://` connection string names (an SRV one counts as several). */
function hostCount(uri: string): number {
  if (uri.startsWith('mongodb+srv://')) return Number.POSITIVE_INFINITY;
  return parseUri(uri).hosts.split(',').length;
}

/** The parts of `mongodb://[credentials@]hosts[/path][?query]`. */
function parseUri(uri: string): {
  credentials: string;
  hosts: string;
  path: string;
  query: string;
} {
  const rest = uri.replace(/^mongodb(?:\+srv)?:\/\//, '');
  const queryStart = rest.indexOf('?');
  const beforeQuery = queryStart === -1 ? rest : rest.slice(0, queryStart);
  const query = queryStart === -1 ? '' : rest.slice(queryStart + 1);
  const slash = beforeQuery.indexOf('/');
  const authority = slash === -1 ? beforeQuery : beforeQuery.slice(0, slash);
  const at = authority.lastIndexOf('@');
  return {
    credentials: at === -1 ? '' : authority.slice(0, at + 1),
    hosts: at === -1 ? authority : authority.slice(at + 1),
    path: slash === -1 ? '/' : beforeQuery.slice(slash),
    query,
  };
}
