import { identicalValues } from './bson-compare';
import { isPlainDocument } from './bson-value';
import { isArray } from './intrinsics';
import { setOwnField } from './own-fields';

type Document = Record<string, unknown>;

/** A change stream's `updateDescription`: what an update changed, by dotted path. */
export interface UpdateDescription {
  readonly updatedFields: Document;
  readonly removedFields: string[];
  readonly truncatedArrays: Array<{ readonly field: string; readonly newSize: number }>;
}

/**
 * What turned `before` into `after`, as mongod's document diff reports it in a change
 * stream: fields set or changed (nested documents by their dotted paths, array elements by
 * index), fields removed, and arrays cut short (with the elements kept that changed). An
 * array that is neither grown nor shrunk in place, or any value that changed type, is
 * reported whole. `_id` never changes, so it is never reported.
 */
export function describeUpdate(before: Document, after: Document): UpdateDescription {
  const description: UpdateDescription = {
    updatedFields: {},
    removedFields: [],
    truncatedArrays: [],
  };
  diffDocuments(before, after, '', description);
  return description;
}

function diffDocuments(
  before: Document,
  after: Document,
  prefix: string,
  description: UpdateDescription,
): void {
  for (const key of Object.keys(after)) {
    if (prefix === '' && key === '_id') continue;
    const path = prefix + key;
    const had = Object.prototype.hasOwnProperty.call(before, key);
    diffValues(had ? before[key] : undefined, after[key], had, path, description);
  }
  for (const key of Object.keys(before)) {
    if (!Object.prototype.hasOwnProperty.call(after, key)) {
      description.removedFields.push(prefix + key);
    }
  }
}

function diffValues(
  old: unknown,
  value: unknown,
  had: boolean,
  path: string,
  description: UpdateDescription,
): void {
  if (had && identicalValues(old, value)) return;
  if (had && isPlainDocument(old) && isPlainDocument(value)) {
    diffDocuments(old, value, `${path}.`, description);
  } else if (had && isArray(old) && isArray(value)) {
    diffArrays(old, value, path, description);
  } else {
    setOwnField(description.updatedFields, path, value);
  }
}

/** Elements changed in place by index, elements added at the end, or the array cut short. */
function diffArrays(
  old: readonly unknown[],
  value: readonly unknown[],
  path: string,
  description: UpdateDescription,
): void {
  if (value.length < old.length) {
    description.truncatedArrays.push({ field: path, newSize: value.length });
  }
  for (let index = 0; index < value.length; index++) {
    diffValues(old[index], value[index], index < old.length, `${path}.${index}`, description);
  }
}
