import { CommandFailure } from '../../command-types';
import type { IndexSpec } from '../index-spec';

/** How distances to a point are measured: on a plane (2d) or on the sphere (2dsphere). */
export type GeoIndexKind = '2d' | '2dsphere';

/** The geo-indexed fields of a collection's indexes, with their kind. */
export function geoIndexedFields(specs: readonly IndexSpec[]): Map<string, GeoIndexKind[]> {
  const fields = new Map<string, GeoIndexKind[]>();
  for (const spec of specs) {
    if (spec.hidden) continue;
    for (const [field, kind] of Object.entries(spec.key)) {
      if (kind !== '2d' && kind !== '2dsphere') continue;
      fields.set(field, [...(fields.get(field) ?? []), kind]);
    }
  }
  return fields;
}

/** The error mongod's planner answers a `$near` or `$geoNear` with when no geo index fits. */
export function noGeoIndex(detail = 'unable to find index for $geoNear query'): CommandFailure {
  return new CommandFailure(
    291,
    'NoQueryExecutionPlans',
    `error processing query: planner returned error :: caused by :: ${detail}`,
  );
}

/** The name of the index a near query on `path` measures with, 2dsphere when spherical. */
export function geoIndexName(specs: readonly IndexSpec[], path: string, spherical: boolean) {
  const kinds: GeoIndexKind[] = spherical ? ['2dsphere', '2d'] : ['2d'];
  for (const kind of kinds) {
    const spec = specs.find((candidate) => !candidate.hidden && candidate.key[path] === kind);
    if (spec) return spec.name;
  }
  throw noGeoIndex();
}
