import type { Decimal128 } from 'bson';
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

/**
 * Formats a value the way mongod prints BSON in error messages
 * (`{ a: 1, name: "x", _id: ObjectId('…') }`).
 */
export function formatValue(value: unknown): string {
  switch (bsonTypeOf(value)) {
    case 'undefined':
      return 'undefined';
    case 'null':
      return 'null';
    case 'int':
    case 'double':
    case 'long':
      return String(numericValue(value));
    case 'decimal':
      return `${(value as Decimal128).toString()}`;
    case 'string':
    case 'symbol':
      return JSON.stringify(stringValue(value));
    case 'bool':
      return String(value);
    case 'date':
      return `new Date(${(value as Date).getTime()})`;
    case 'objectId':
      return `ObjectId('${objectIdHex(value)}')`;
    case 'binData':
      return `BinData(${binarySubtype(value)}, ${Buffer.from(binaryBytes(value)).toString('hex').toUpperCase()})`;
    case 'timestamp': {
      const [seconds, increment] = timestampParts(value);
      return `Timestamp(${seconds}, ${increment})`;
    }
    case 'regex': {
      const [source, flags] = regexParts(value);
      return `/${source}/${flags}`;
    }
    case 'minKey':
      return 'MinKey';
    case 'maxKey':
      return 'MaxKey';
    case 'array': {
      const items = (value as unknown[]).map(formatValue);
      return items.length === 0 ? '[]' : `[ ${items.join(', ')} ]`;
    }
    default: {
      const document = value as Record<string, unknown>;
      const fields = Object.keys(document).map((key) => `${key}: ${formatValue(document[key])}`);
      return fields.length === 0 ? '{}' : `{ ${fields.join(', ')} }`;
    }
  }
}
