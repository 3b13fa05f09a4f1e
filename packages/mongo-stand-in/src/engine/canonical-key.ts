import {
  binaryBytes,
  binarySubtype,
  bsonTypeOf,
  numericValue,
  objectIdHex,
  regexParts,
  stringValue,
  timestampParts,
} from './bson-value';
import { isInteger } from './intrinsics';

function numberKey(value: unknown): string {
  const n = numericValue(value);
  if (typeof n === 'bigint') {
    const asNumber = Number(n);
    return Number.isSafeInteger(asNumber) ? `n${asNumber}` : `n${n.toString()}`;
  }
  if (Object.is(n, -0)) return 'n0';
  if (isInteger(n) && !Number.isSafeInteger(n)) return `n${BigInt(n).toString()}`;
  return `n${n}`;
}

/**
 * A string that is the same for two values exactly when MongoDB considers them equal
 * (`1`, `1.0`, `Long(1)` and `Decimal128('1')` share a key; `{a, b}` and `{b, a}` do not).
 * It keys the `_id` map, unique index entries, `distinct` sets and the query cache.
 */
export function canonicalKey(value: unknown): string {
  switch (bsonTypeOf(value)) {
    case 'undefined':
    case 'null':
      return 'z';
    case 'int':
    case 'double':
    case 'long':
    case 'decimal':
      return numberKey(value);
    case 'string':
    case 'symbol':
      return `s${JSON.stringify(stringValue(value))}`;
    case 'bool':
      return value ? 'b1' : 'b0';
    case 'date':
      return `d${(value as Date).getTime()}`;
    case 'objectId':
      return `o${objectIdHex(value)}`;
    case 'binData':
      return `x${binarySubtype(value)}:${Buffer.from(binaryBytes(value)).toString('base64')}`;
    case 'timestamp':
      return `t${timestampParts(value).join(':')}`;
    case 'regex':
      return `r${JSON.stringify(regexParts(value))}`;
    case 'minKey':
      return 'm-';
    case 'maxKey':
      return 'm+';
    case 'array':
      return `[${(value as unknown[]).map(canonicalKey).join(',')}]`;
    case 'javascript':
    case 'javascriptWithScope':
      return `c${JSON.stringify(String((value as { code: unknown }).code))}`;
    default: {
      const document = value as Record<string, unknown>;
      const fields = Object.keys(document).map(
        (key) => `${JSON.stringify(key)}:${canonicalKey(document[key])}`,
      );
      return `{${fields.join(',')}}`;
    }
  }
}
