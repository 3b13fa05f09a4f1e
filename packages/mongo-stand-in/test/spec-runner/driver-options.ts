import { ReadPreference, type ReadPreferenceMode } from 'mongodb';
import type { Document } from 'bson';

/**
 * Converts the format's spelling of an option to the driver's. Most names are the same
 * (`upsert`, `arrayFilters`, `hint`, `let`, `comment`, `bypassDocumentValidation`...); the
 * exceptions are enum values (`returnDocument: 'After'`) and the common options that become
 * driver objects (`readPreference`). `session` is resolved by `OperationArguments`.
 */
export function toDriverOption(name: string, value: unknown): Document {
  switch (name) {
    case 'returnDocument':
      return { returnDocument: String(value).toLowerCase() };
    case 'readPreference':
      return { readPreference: toReadPreference(value as Document) };
    case 'readConcern':
      return { readConcern: { level: (value as Document).level } };
    case 'writeConcern':
      return { writeConcern: toWriteConcern(value as Document) };
    case 'cursorType':
      return value === 'tailableAwait'
        ? { tailable: true, awaitData: true }
        : { tailable: value === 'tailable' };
    default:
      return { [name]: value };
  }
}

/** Database and collection entity options (`databaseOptions`, `collectionOptions`). */
export function toDriverEntityOptions(options: Document | undefined): Document {
  const converted: Document = {};
  for (const [name, value] of Object.entries(options ?? {})) {
    Object.assign(converted, toDriverOption(name, value));
  }
  return converted;
}

function toReadPreference(value: Document): ReadPreference {
  return new ReadPreference(value.mode as ReadPreferenceMode, value.tagSets, {
    maxStalenessSeconds: value.maxStalenessSeconds,
    hedge: value.hedge,
  });
}

function toWriteConcern(value: Document): Document {
  const { w, journal, wtimeoutMS } = value;
  return Object.fromEntries(
    Object.entries({ w, journal, wtimeoutMS }).filter(([, v]) => v !== undefined),
  );
}
