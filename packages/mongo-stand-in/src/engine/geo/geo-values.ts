import type { Geometry, Position } from 'geojson';
import { isNumeric, isPlainDocument, numericValue } from '../bson-value';
import { isArray } from '../intrinsics';

/** A shape read from a document or a query: GeoJSON, or a legacy coordinate pair. */
export interface GeoShape {
  readonly geometry: Geometry;
  /** True for `[x, y]` or `{ x, y }` pairs, which 2d indexes measure on a plane. */
  readonly legacy: boolean;
}

type Checked<T> = { readonly value: T } | { readonly error: string };

const GEOMETRY_TYPES = new Set([
  'Point',
  'LineString',
  'Polygon',
  'MultiPoint',
  'MultiLineString',
  'MultiPolygon',
  'GeometryCollection',
]);

const numberOf = (value: unknown): number | undefined =>
  isNumeric(value) ? Number(numericValue(value)) : undefined;

/** A legacy pair: an array or an embedded document whose first two values are numbers. */
export function legacyPair(value: unknown): Position | undefined {
  const values = isArray(value)
    ? value
    : isPlainDocument(value) && !('type' in value)
      ? Object.values(value)
      : undefined;
  if (!values || values.length < 2) return undefined;
  const x = numberOf(values[0]);
  const y = numberOf(values[1]);
  return x === undefined || y === undefined ? undefined : [x, y];
}

function position(value: unknown): Checked<Position> {
  if (!isArray(value) || value.length < 2)
    return { error: 'Point must be an array of two numbers' };
  const [lng, lat] = [numberOf(value[0]), numberOf(value[1])];
  if (lng === undefined || lat === undefined) {
    return { error: 'Point must only contain numeric elements' };
  }
  if (lng < -180 || lng > 180 || lat < -90 || lat > 90) {
    return { error: `longitude/latitude is out of bounds, lng: ${lng} lat: ${lat}` };
  }
  return { value: [lng, lat] };
}

function positions(value: unknown, least: number, what: string): Checked<Position[]> {
  if (!isArray(value) || value.length < least) {
    return { error: `${what} must have at least ${least} points` };
  }
  const out: Position[] = [];
  for (const element of value) {
    const checked = position(element);
    if ('error' in checked) return checked;
    out.push(checked.value);
  }
  return { value: out };
}

function rings(value: unknown): Checked<Position[][]> {
  if (!isArray(value) || value.length === 0) return { error: 'Polygon has no loops.' };
  const out: Position[][] = [];
  for (const ring of value) {
    const checked = positions(ring, 4, 'Loop');
    if ('error' in checked) return checked;
    const [first, last] = [checked.value[0], checked.value[checked.value.length - 1]];
    if (first[0] !== last[0] || first[1] !== last[1]) {
      return { error: 'Loop is not closed, first vertex does not equal last vertex' };
    }
    out.push(checked.value);
  }
  return { value: out };
}

function many<T>(value: unknown, each: (element: unknown) => Checked<T>): Checked<T[]> {
  if (!isArray(value)) return { error: 'coordinates must be an array' };
  const out: T[] = [];
  for (const element of value) {
    const checked = each(element);
    if ('error' in checked) return checked;
    out.push(checked.value);
  }
  return { value: out };
}

/** A GeoJSON geometry checked as a 2dsphere index checks it, or why it is not one. */
export function checkGeoJson(value: unknown): Checked<Geometry> {
  if (!isPlainDocument(value) || typeof value.type !== 'string') {
    return { error: 'unknown GeoJSON type' };
  }
  const type = value.type;
  if (!GEOMETRY_TYPES.has(type)) return { error: `unknown GeoJSON type: ${type}` };
  if (type === 'GeometryCollection') {
    const parts = many(value.geometries, checkGeoJson);
    return 'error' in parts ? parts : { value: { type, geometries: parts.value } };
  }
  const coordinates = value.coordinates;
  const checked: Checked<unknown> =
    type === 'Point'
      ? position(coordinates)
      : type === 'LineString'
        ? positions(coordinates, 2, 'LineString')
        : type === 'Polygon'
          ? rings(coordinates)
          : type === 'MultiPoint'
            ? many(coordinates, position)
            : type === 'MultiLineString'
              ? many(coordinates, (line) => positions(line, 2, 'LineString'))
              : many(coordinates, rings);
  return 'error' in checked
    ? checked
    : { value: { type, coordinates: checked.value } as unknown as Geometry };
}

/**
 * The shape a stored value is, if any: a valid GeoJSON geometry or a legacy pair. Other
 * values (and invalid GeoJSON, which no 2dsphere index would have let in) are no shape.
 */
export function shapeOf(value: unknown): GeoShape | undefined {
  if (isPlainDocument(value) && typeof value.type === 'string') {
    const checked = checkGeoJson(value);
    return 'error' in checked ? undefined : { geometry: checked.value, legacy: false };
  }
  const pair = legacyPair(value);
  return pair && { geometry: { type: 'Point', coordinates: pair }, legacy: true };
}

/**
 * Why a value cannot be a key of a 2dsphere index, or undefined when it can (a GeoJSON
 * geometry, a legacy pair within longitude/latitude bounds, or an array of those).
 */
export function sphereKeyError(value: unknown): string | undefined {
  if (isPlainDocument(value) && typeof value.type === 'string') {
    const checked = checkGeoJson(value);
    return 'error' in checked ? checked.error : undefined;
  }
  const pair = legacyPair(value);
  if (pair) {
    const checked = position(pair);
    return 'error' in checked ? checked.error : undefined;
  }
  if (isArray(value)) {
    for (const element of value) {
      const error = sphereKeyError(element);
      if (error) return error;
    }
    return undefined;
  }
  return 'geo element must be an array or object';
}

/** Every position of a geometry, its vertices for lines and polygons. */
export function positionsOf(geometry: Geometry): Position[] {
  if (geometry.type === 'GeometryCollection') return geometry.geometries.flatMap(positionsOf);
  const flatten = (value: unknown): Position[] =>
    isArray(value) && typeof value[0] === 'number'
      ? [value as Position]
      : isArray(value)
        ? value.flatMap(flatten)
        : [];
  return flatten(geometry.coordinates);
}
