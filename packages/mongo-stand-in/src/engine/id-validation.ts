import { CommandFailure } from '../command-types';
import { bsonTypeOf, isPlainDocument } from './bson-value';

/**
 * Refuses an `_id` mongod would not store: an array, a regex or undefined (code 53), or a
 * document with a `$`-prefixed field name at any depth (code 52).
 */
export function validateId(id: unknown): void {
  const type = bsonTypeOf(id);
  if (type === 'array' || type === 'regex' || type === 'undefined') {
    throw new CommandFailure(53, 'InvalidIdField', `The '_id' value cannot be of type ${type}`);
  }
  refuseDollarFields(id);
}

/** mongod stores no `$`-prefixed field name anywhere inside an `_id` document (code 52). */
function refuseDollarFields(value: unknown): void {
  if (!isPlainDocument(value)) return;
  for (const name of Object.keys(value)) {
    if (name.startsWith('$')) {
      throw new CommandFailure(
        52,
        'DollarPrefixedFieldName',
        `_id fields may not contain '$'-prefixed fields: ${name} is not valid for storage.`,
      );
    }
    refuseDollarFields(value[name]);
  }
}
