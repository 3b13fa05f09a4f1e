import type { Position } from 'geojson';
import { CommandFailure } from '../../command-types';
import { isNumeric, isPlainDocument, numericValue } from '../bson-value';
import { queryPathValues } from '../document-path';
import type { IndexSpec } from '../index-spec';
import { isArray } from '../intrinsics';
import { EARTH_RADIUS_METERS, planarDistance, sphericalRadians } from './geo-measure';
import { geoIndexedFields, noGeoIndex } from './geo-indexes';
import { checkGeoJson, legacyPair, positionsOf, shapeOf } from './geo-values';

type Document = Record<string, unknown>;

/** A point to measure from, and how: meters or radians on the sphere, or units on a plane. */
export interface NearPoint {
  readonly center: Position;
  /** GeoJSON points measure in meters; legacy pairs in radians (spherical) or plane units. */
  readonly geoJson: boolean;
  readonly spherical: boolean;
}

/** A `$near` / `$nearSphere` clause taken out of a filter, with what is left of it. */
export interface NearClause extends NearPoint {
  readonly path: string;
  readonly minDistance?: number;
  readonly maxDistance?: number;
  readonly rest: Document;
}

const badValue = (message: string): CommandFailure => new CommandFailure(2, 'BadValue', message);

/** The distance option of a near query: a non-negative number, or absent. */
export function distanceOption(name: string, value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  const distance = isNumeric(value) ? Number(numericValue(value)) : NaN;
  if (!(distance >= 0)) throw badValue(`${name} must be a non-negative number`);
  return distance;
}

/** A near point given as GeoJSON (`{ type: 'Point', ... }`) or as a legacy pair. */
export function parseNearPoint(value: unknown): { center: Position; geoJson: boolean } {
  if (isPlainDocument(value) && typeof value.type === 'string') {
    const checked = checkGeoJson(value);
    if ('error' in checked || checked.value.type !== 'Point') {
      throw badValue('invalid point in geo near query: a GeoJSON Point is required');
    }
    return { center: checked.value.coordinates, geoJson: true };
  }
  const pair = legacyPair(value);
  if (!pair) throw badValue('invalid point in geo near query $geometry argument');
  return { center: pair, geoJson: false };
}

function nearOperands(path: string, condition: Document, operator: string): NearClause {
  const operand = condition[operator];
  const nested = isPlainDocument(operand) && operand.$geometry !== undefined ? operand : undefined;
  const { center, geoJson } = parseNearPoint(nested ? nested.$geometry : operand);
  const option = (name: string) =>
    distanceOption(name, nested?.[name] !== undefined ? nested[name] : condition[name]);
  for (const key of Object.keys(condition)) {
    if (![operator, '$maxDistance', '$minDistance'].includes(key)) {
      throw badValue(`${operator} cannot be combined with ${key}`);
    }
  }
  return {
    path,
    center,
    geoJson,
    spherical: operator === '$nearSphere' || geoJson,
    minDistance: option('$minDistance'),
    maxDistance: option('$maxDistance'),
    rest: {},
  };
}

/**
 * Takes the `$near` or `$nearSphere` clause out of a filter (top level, or a clause of a
 * top-level `$and`), or undefined when it has none.
 */
export function splitNearClause(filter: Document): NearClause | undefined {
  for (const [path, condition] of Object.entries(filter)) {
    if (path === '$and' && isArray(condition)) {
      for (const [i, clause] of condition.entries()) {
        const near = isPlainDocument(clause) ? splitNearClause(clause) : undefined;
        if (!near) continue;
        const others = condition.filter((_, j) => j !== i);
        const and = Object.keys(near.rest).length > 0 ? [...others, near.rest] : others;
        const rest: Document = { ...filter, $and: and };
        if (and.length === 0) delete rest.$and;
        return { ...near, rest };
      }
      continue;
    }
    if (!isPlainDocument(condition)) continue;
    const operator = ['$near', '$nearSphere'].find((name) => name in condition);
    if (!operator) continue;
    const rest = { ...filter };
    delete rest[path];
    return { ...nearOperands(path, condition, operator), rest };
  }
  return undefined;
}

/**
 * How a near query on `path` measures: spherical on a 2dsphere index, planar on a 2d one for
 * legacy pairs. A GeoJSON point needs a 2dsphere index.
 * @throws CommandFailure 291 when no geo index on `path` can answer it.
 */
export function measureOn(specs: readonly IndexSpec[], path: string, near: NearPoint): NearPoint {
  const kinds = geoIndexedFields(specs).get(path) ?? [];
  if (near.geoJson) {
    if (!kinds.includes('2dsphere')) throw noGeoIndex();
    return near;
  }
  if (kinds.length === 0) throw noGeoIndex();
  return { ...near, spherical: near.spherical || !kinds.includes('2d') };
}

/** The shape nearest a near point, and how far it is. */
export interface NearestShape {
  readonly distance: number;
  /** The value holding the shape (a GeoJSON object or a legacy pair), as `includeLocs` shows it. */
  readonly location: unknown;
}

/**
 * The shape nearest a near point among those a document holds at `path` (for lines and
 * polygons, measured to their nearest vertex), or undefined when it holds none.
 */
export function nearestShape(
  document: Document,
  path: string,
  near: NearPoint,
): NearestShape | undefined {
  let nearest: NearestShape | undefined;
  for (const location of queryPathValues(document, path)) {
    const shape = shapeOf(location);
    if (!shape) continue;
    for (const vertex of positionsOf(shape.geometry)) {
      const distance = near.spherical
        ? sphericalRadians(near.center, vertex) * (near.geoJson ? EARTH_RADIUS_METERS : 1)
        : planarDistance(near.center, vertex);
      if (nearest === undefined || distance < nearest.distance) nearest = { distance, location };
    }
  }
  return nearest;
}

/** Whether a distance lies within a near query's `minDistance` and `maxDistance`. */
export function withinDistances(
  distance: number,
  bounds: { readonly minDistance?: number; readonly maxDistance?: number },
): boolean {
  return (
    (bounds.minDistance === undefined || distance >= bounds.minDistance) &&
    (bounds.maxDistance === undefined || distance <= bounds.maxDistance)
  );
}
