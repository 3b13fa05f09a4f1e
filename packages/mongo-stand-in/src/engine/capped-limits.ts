import { Long } from 'bson';
import { isNumeric, numericValue } from './bson-value';

type Document = Record<string, unknown>;

/**
 * The bounds of a capped collection, from its options: `size`, bytes of BSON, and `max`,
 * documents. An insert past either evicts the oldest documents, as in mongod.
 */
export interface CappedLimits {
  readonly size: number;
  /** 0 when only the size bounds the collection. */
  readonly max: number;
}

/**
 * What mongod stores as `max` when a capped collection is given none that bounds it (zero
 * or less): 2^31 - 1, which listCollections shows as is.
 */
export const UNBOUNDED_CAPPED_MAX = 0x7fffffff;

/** Capped sizes go up to 1 PB, as in mongod. */
export const MAX_CAPPED_SIZE = 1024 ** 5;

/** The limits of a collection with these options; undefined when it is not capped. */
export function cappedLimitsOf(options: Readonly<Document>): CappedLimits | undefined {
  if (options.capped !== true) return undefined;
  const size = isNumeric(options.size) ? Number(numericValue(options.size)) : MAX_CAPPED_SIZE;
  const max = isNumeric(options.max) ? Number(numericValue(options.max)) : 0;
  return { size, max: max > 0 ? max : 0 };
}

/**
 * A capped bound as mongod stores and lists it: a 32-bit integer when it fits, else a
 * 64-bit one (never a double, whatever the client sent).
 */
export function storedBound(value: number): number | Long {
  return value <= 0x7fffffff ? value : Long.fromNumber(value);
}

/**
 * A capped collection's options with new bounds (collMod `cappedSize`, `cappedMax`), in
 * the order mongod lists them: `capped`, `size`, `max`, then the others.
 */
export function resizedCappedOptions(
  options: Readonly<Document>,
  resize: { readonly size?: number; readonly max?: number },
): Document {
  const { capped, size, max, ...others } = options;
  const resized: Document = {
    capped,
    size: resize.size === undefined ? size : storedBound(resize.size),
  };
  const newMax = resize.max ?? max;
  if (newMax !== undefined) resized.max = newMax;
  return { ...resized, ...others };
}
