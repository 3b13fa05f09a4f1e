import distance from '@turf/distance';
import type { Position } from 'geojson';

/** The Earth's radius mongod measures spherical distances in meters with. */
export const EARTH_RADIUS_METERS = 6_378_100;

/** The angle between two longitude/latitude positions on a sphere, in radians. */
export function sphericalRadians(a: Position, b: Position): number {
  return distance(a, b, { units: 'radians' });
}

/** The straight-line distance between two positions on a plane (2d indexes' legacy pairs). */
export function planarDistance(a: Position, b: Position): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1]);
}
