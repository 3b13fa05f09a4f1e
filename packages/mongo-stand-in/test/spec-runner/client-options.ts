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

/** How many hosts a `mongodb://` connection string names (an SRV one counts as several). */
function hostCount(uri: string): number {
  if (uri.startsWith('mongodb+srv://')) return Number.POSITIVE_INFINITY;
  const authority = uri.replace(/^mongodb:\/\//, '').split('/')[0] ?? '';
  const hosts = authority.includes('@')
    ? authority.slice(authority.lastIndexOf('@') + 1)
    : authority;
  return hosts.split(',').length;
}
