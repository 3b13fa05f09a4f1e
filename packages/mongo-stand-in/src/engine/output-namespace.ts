import { CommandFailure } from '../command-types';
import type { CollectionNamespace } from './namespace';
import type { StandInStore } from './stand-in-store';

/** Where `$out` or `$merge` writes. */
export type OutputNamespace = CollectionNamespace;

const INTERNAL_DATABASES = new Set(['admin', 'config', 'local']);

/** mongod's codes for each refusal, by stage: special collection, internal database. */
const CODES = {
  $out: { system: 17385, internal: 31321 },
  $merge: { system: 31319, internal: 31320 },
} as const;

/**
 * Refuses a target mongod 7.0 refuses for `stage`: a `system.` collection, the internal
 * databases, a view (166), and for `$out` a capped collection (17152). An invalid name is
 * refused by the store when the stage writes.
 */
export function refuseOutputNamespace(
  stage: '$out' | '$merge',
  target: OutputNamespace,
  store: StandInStore,
): void {
  const codes = CODES[stage];
  if (target.coll.startsWith('system.')) {
    const message =
      stage === '$out'
        ? `Can't $out to special collection: ${target.coll}`
        : `Cannot $merge to special collection: ${target.coll}`;
    throw new CommandFailure(codes.system, `Location${codes.system}`, message);
  }
  if (INTERNAL_DATABASES.has(target.db)) {
    const message =
      stage === '$out'
        ? `Can't $out to internal database: ${target.db}`
        : `Cannot $merge to internal database: ${target.db}`;
    throw new CommandFailure(codes.internal, `Location${codes.internal}`, message);
  }
  store.assertWritable(target.db, target.coll);
  if (stage === '$out' && store.getCollection(target.db, target.coll)?.options.capped === true) {
    throw new CommandFailure(
      17152,
      'Location17152',
      `namespace '${target.db}.${target.coll}' is capped so it can't be used for $out`,
    );
  }
}
