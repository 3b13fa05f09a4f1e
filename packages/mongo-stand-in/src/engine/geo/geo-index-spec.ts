import { CommandFailure } from '../../command-types';
import { isNumeric, numericValue } from '../bson-value';
import { formatValue } from '../value-format';

type Document = Record<string, unknown>;

const SPHERE_INDEX_VERSIONS = new Set([1, 2, 3]);
const DEFAULT_SPHERE_INDEX_VERSION = 3;

const cannotCreate = (spec: unknown, reason: string): CommandFailure =>
  new CommandFailure(
    67,
    'CannotCreateIndex',
    `Error in specification ${formatValue(spec)} :: caused by :: ${reason}`,
  );

function numberOption(raw: Document, option: string): number | undefined {
  const value = raw[option];
  if (value === undefined) return undefined;
  if (!isNumeric(value)) throw cannotCreate(raw, `${option} must be a number`);
  return Number(numericValue(value));
}

/**
 * Checks the options of an index with `2d` or `2dsphere` fields and returns the spec as
 * mongod lists it: a 2dsphere index gets `2dsphereIndexVersion` (3 unless given); a 2d
 * index must have its one 2d field first, and keeps `bits` (1 to 32), `min` and `max`
 * (min below max) as given.
 * @throws CommandFailure 67 CannotCreateIndex for options out of range or a misplaced field.
 */
export function normaliseGeoIndex(raw: Document): Document {
  const key = raw.key as Document;
  const kinds = Object.values(key);
  const spec: Document = { ...raw };
  if (kinds.includes('2dsphere')) {
    const version = numberOption(raw, '2dsphereIndexVersion') ?? DEFAULT_SPHERE_INDEX_VERSION;
    if (!SPHERE_INDEX_VERSIONS.has(version)) {
      throw cannotCreate(
        raw,
        `unsupported geo index version { 2dsphereIndexVersion : ${version} }`,
      );
    }
    spec['2dsphereIndexVersion'] = version;
  }
  if (kinds.includes('2d')) {
    if (kinds.indexOf('2d') !== 0 || kinds.lastIndexOf('2d') !== 0) {
      throw cannotCreate(raw, '2d has to be first in index and there can be only one 2d field');
    }
    const bits = numberOption(raw, 'bits');
    if (bits !== undefined && !(Number.isInteger(bits) && bits >= 1 && bits <= 32)) {
      throw cannotCreate(raw, `bits in geo index must be between 1 and 32, got ${bits}`);
    }
    const min = numberOption(raw, 'min') ?? -180;
    const max = numberOption(raw, 'max') ?? 180;
    if (!(min < max)) throw cannotCreate(raw, `max (${max}) must be greater than min (${min})`);
  }
  return spec;
}
