import booleanIntersects from '@turf/boolean-intersects';
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import type { Geometry, MultiPolygon, Polygon, Position } from 'geojson';
import { CommandFailure } from '../../command-types';
import { isNumeric, isPlainDocument, numericValue } from '../bson-value';
import type { Predicate } from '../bson-predicates';
import { somePathValue } from '../document-path';
import { isArray } from '../intrinsics';
import { planarDistance, sphericalRadians } from './geo-measure';
import { checkGeoJson, legacyPair, positionsOf, shapeOf, type GeoShape } from './geo-values';

type ShapeTest = (shape: GeoShape) => boolean;

const badValue = (message: string): CommandFailure => new CommandFailure(2, 'BadValue', message);

function queryGeometry(operator: string, value: unknown): Geometry {
  const checked = checkGeoJson(value);
  if ('error' in checked) throw badValue(`${operator}: invalid $geometry: ${checked.error}`);
  return checked.value;
}

function pairOf(operator: string, value: unknown): Position {
  const pair = legacyPair(value);
  if (!pair) throw badValue(`${operator}: a point must be a pair of numbers`);
  return pair;
}

function radiusOf(operator: string, value: unknown): number {
  const radius = isNumeric(value) ? Number(numericValue(value)) : NaN;
  if (!(radius >= 0)) throw badValue(`${operator}: the radius must be a non-negative number`);
  return radius;
}

function circle(operator: string, value: unknown): { center: Position; radius: number } {
  if (!isArray(value) || value.length !== 2) {
    throw badValue(`${operator} must be an array of a center point and a radius`);
  }
  return { center: pairOf(operator, value[0]), radius: radiusOf(operator, value[1]) };
}

/** A test of whether a shape lies within the region of a `$geoWithin` operand. */
function withinTest(operand: unknown): ShapeTest {
  if (!isPlainDocument(operand) || Object.keys(operand).length !== 1) {
    throw badValue('$geoWithin needs one of $geometry, $box, $polygon, $center, $centerSphere');
  }
  const [shape, value] = Object.entries(operand)[0];
  const every = (inside: (position: Position) => boolean): ShapeTest => {
    return ({ geometry }) => positionsOf(geometry).every(inside);
  };
  switch (shape) {
    case '$geometry': {
      const region = queryGeometry('$geoWithin', value);
      if (region.type !== 'Polygon' && region.type !== 'MultiPolygon') {
        throw badValue('$geoWithin $geometry must be a Polygon or a MultiPolygon');
      }
      return every((position) => booleanPointInPolygon(position, region as Polygon | MultiPolygon));
    }
    case '$box': {
      if (!isArray(value) || value.length !== 2) throw badValue('$box must be two corner points');
      const [a, b] = [pairOf('$box', value[0]), pairOf('$box', value[1])];
      const [minX, maxX] = [Math.min(a[0], b[0]), Math.max(a[0], b[0])];
      const [minY, maxY] = [Math.min(a[1], b[1]), Math.max(a[1], b[1])];
      return every(([x, y]) => x >= minX && x <= maxX && y >= minY && y <= maxY);
    }
    case '$polygon': {
      if (!isArray(value) || value.length < 3) throw badValue('$polygon needs at least 3 points');
      const ring = value.map((point) => pairOf('$polygon', point));
      const polygon: Polygon = { type: 'Polygon', coordinates: [[...ring, ring[0]]] };
      return every((position) => booleanPointInPolygon(position, polygon));
    }
    case '$center': {
      const { center, radius } = circle('$center', value);
      return every((position) => planarDistance(center, position) <= radius);
    }
    case '$centerSphere': {
      const { center, radius } = circle('$centerSphere', value);
      return every((position) => sphericalRadians(center, position) <= radius);
    }
    default:
      throw badValue(`unknown geo specifier: ${shape}`);
  }
}

function intersectsTest(operand: unknown): ShapeTest {
  if (!isPlainDocument(operand) || operand.$geometry === undefined) {
    throw badValue('$geoIntersects needs a $geometry');
  }
  const region = queryGeometry('$geoIntersects', operand.$geometry);
  return ({ geometry }) => booleanIntersects(geometry, region);
}

function shapePredicate(selector: string, test: ShapeTest): Predicate {
  return somePathValue(selector, (value) => {
    const shape = shapeOf(value);
    return shape !== undefined && test(shape);
  });
}

/**
 * A near query ranks a whole result, so only a find (or an update's or delete's query) runs
 * one, at its top level; anywhere else (under `$or`, in a `$match`) mongod refuses it.
 */
const refuseNear = (): Predicate => {
  throw badValue('$geoNear, $near, and $nearSphere are not allowed in this context');
};

/**
 * `$geoWithin` and `$geoIntersects`, as query operators for mingo's context (with `$near`
 * and `$nearSphere`, refused where mingo meets them): they test
 * each GeoJSON geometry or legacy pair at the path by scan (no index is needed for them,
 * as in mongod). Regions are flat between their vertices, so a polygon's long edges lie
 * a little off mongod's great-circle edges.
 */
export const GEO_QUERY_OPERATORS = {
  $geoWithin: (selector: string, value: unknown): Predicate =>
    shapePredicate(selector, withinTest(value)),
  $within: (selector: string, value: unknown): Predicate =>
    shapePredicate(selector, withinTest(value)),
  $geoIntersects: (selector: string, value: unknown): Predicate =>
    shapePredicate(selector, intersectsTest(value)),
  $near: refuseNear,
  $nearSphere: refuseNear,
};
