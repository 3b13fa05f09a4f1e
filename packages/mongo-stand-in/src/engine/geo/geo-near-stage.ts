import { CommandFailure } from '../../command-types';
import { cloneDocument, cloneValue } from '../bson-clone';
import { isNumeric, isPlainDocument, numericValue } from '../bson-value';
import { setPathValue } from '../document-path';
import type { IndexSpec } from '../index-spec';
import { geoIndexedFields, noGeoIndex } from './geo-indexes';
import {
  distanceOption,
  measureOn,
  nearestShape,
  parseNearPoint,
  withinDistances,
} from './near-query';

type Document = Record<string, unknown>;

const OPTIONS = new Set([
  'near',
  'distanceField',
  'maxDistance',
  'minDistance',
  'query',
  'spherical',
  'includeLocs',
  'key',
  'distanceMultiplier',
]);

const badValue = (message: string): CommandFailure => new CommandFailure(2, 'BadValue', message);

function optionalString(spec: Document, name: string): string | undefined {
  const value = spec[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') {
    throw badValue(`$geoNear requires '${name}' to be a non-empty string`);
  }
  return value;
}

/**
 * The field a `$geoNear` measures: its `key`, else the only 2d-indexed field, else the only
 * 2dsphere-indexed one.
 * @throws CommandFailure 291 when no geo index fits, 2 when several do and no key says which.
 */
function geoNearKey(specs: readonly IndexSpec[], key: string | undefined): string {
  const fields = geoIndexedFields(specs);
  if (key !== undefined) {
    if (!fields.has(key)) throw noGeoIndex(`no geo index on the $geoNear key '${key}'`);
    return key;
  }
  for (const kind of ['2d', '2dsphere']) {
    const candidates = [...fields].filter(([, kinds]) => kinds.includes(kind as '2d'));
    if (candidates.length === 1) return candidates[0][0];
    if (candidates.length > 1) {
      throw badValue(`There is more than one ${kind} index; unsure which to use for $geoNear`);
    }
  }
  throw noGeoIndex('$geoNear requires a 2d or 2dsphere index, but none were found');
}

/**
 * Runs a leading `$geoNear` stage: the documents matching its `query` (found with
 * `find`), each with its distance from `near` at `distanceField` (and the nearest location
 * at `includeLocs`), nearest first, within `minDistance`/`maxDistance`. GeoJSON points
 * measure in meters; legacy pairs in radians when `spherical`, else in plane units on a 2d
 * index. Read-only: the documents are copies.
 */
export function runGeoNear(
  spec: unknown,
  specs: readonly IndexSpec[],
  find: (filter: Document) => Document[],
): Document[] {
  if (!isPlainDocument(spec)) throw badValue('$geoNear argument must be an object');
  for (const option of Object.keys(spec)) {
    if (!OPTIONS.has(option)) throw badValue(`unknown argument to $geoNear: ${option}`);
  }
  if (spec.near === undefined) throw badValue("$geoNear requires a 'near' option");
  const distanceField = optionalString(spec, 'distanceField');
  if (distanceField === undefined) throw badValue("$geoNear requires a 'distanceField' option");
  const includeLocs = optionalString(spec, 'includeLocs');
  if (spec.query !== undefined && !isPlainDocument(spec.query)) {
    throw badValue('$geoNear query must be an object');
  }
  const multiplier = spec.distanceMultiplier === undefined ? 1 : spec.distanceMultiplier;
  if (!isNumeric(multiplier) || !(Number(numericValue(multiplier)) >= 0)) {
    throw badValue('distanceMultiplier must be a non-negative number');
  }
  const key = geoNearKey(specs, optionalString(spec, 'key'));
  const point = parseNearPoint(spec.near);
  const near = measureOn(specs, key, { ...point, spherical: spec.spherical === true });
  const bounds = {
    minDistance: distanceOption('minDistance', spec.minDistance),
    maxDistance: distanceOption('maxDistance', spec.maxDistance),
  };
  const ranked: Array<{ document: Document; distance: number; location: unknown }> = [];
  for (const document of find((spec.query as Document | undefined) ?? {})) {
    const nearest = nearestShape(document, key, near);
    if (nearest && withinDistances(nearest.distance, bounds)) ranked.push({ document, ...nearest });
  }
  ranked.sort((a, b) => a.distance - b.distance);
  return ranked.map(({ document, distance, location }) => {
    const copy = cloneDocument(document);
    setPathValue(copy, distanceField, distance * Number(numericValue(multiplier)));
    if (includeLocs !== undefined) setPathValue(copy, includeLocs, cloneValue(location));
    return copy;
  });
}
