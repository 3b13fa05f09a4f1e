import { CommandFailure } from '../command-types';
import { isPlainDocument } from './bson-value';
import { canonicalKey } from './canonical-key';
import { isArray } from './intrinsics';
import { ownField } from './own-fields';

/** One key a document contributes to an index: the values (one per indexed field) and their canonical form. */
export interface IndexKey {
  /** Canonical string of the values, equal for keys MongoDB considers equal. */
  readonly key: string;
  /** The key's values in key-pattern order (missing fields are null). */
  readonly values: readonly unknown[];
}

/** What a document contributes to an index. */
export interface DocumentIndexKeys {
  /** The distinct keys (several for a multikey index). */
  readonly keys: readonly IndexKey[];
  /** True when at least one indexed field exists in the document (sparse indexes skip the others). */
  readonly anyFieldPresent: boolean;
  /** True when an indexed path meets an array (even an empty or one-element one). */
  readonly multikey: boolean;
}

/** `[]` is indexed as its own key (mongod uses `undefined`): it collides with `[]` only. */
const EMPTY_ARRAY_KEY = 'e[]';
const SEPARATOR = '\u0000';
const EMPTY_ARRAY_MARKER = Symbol('empty array');

interface FieldValues {
  values: unknown[];
  present: boolean;
  multikey: boolean;
}

function collect(value: unknown, parts: readonly string[], i: number, out: FieldValues): void {
  if (i === parts.length) {
    if (value !== undefined) out.present = true;
    if (isArray(value)) {
      out.multikey = true;
      if (value.length === 0) out.values.push(EMPTY_ARRAY_MARKER);
      else out.values.push(...value);
    } else {
      out.values.push(value === undefined ? null : value);
    }
    return;
  }
  const part = parts[i];
  if (isArray(value)) {
    out.multikey = true;
    if (/^\d+$/.test(part) && Number(part) < value.length) {
      collect(value[Number(part)], parts, i + 1, out);
      return;
    }
    const before = out.values.length;
    for (const element of value) {
      if (isPlainDocument(element)) collect(element, parts, i, out);
    }
    if (out.values.length === before) out.values.push(null);
    return;
  }
  if (isPlainDocument(value)) {
    collect(ownField(value, part), parts, i + 1, out);
    return;
  }
  out.values.push(null);
}

function keyOf(value: unknown): string {
  return value === EMPTY_ARRAY_MARKER ? EMPTY_ARRAY_KEY : canonicalKey(value);
}

/**
 * The keys a document contributes to an index on `fields` (dotted paths). Arrays make the
 * index multikey: one key per element, deduplicated, so `{ tags: ['a', 'a'] }` contributes
 * one key. Missing fields key as null. Two array fields in one compound key are refused
 * like mongod does (code 171).
 */
export function extractIndexKeys(
  document: Record<string, unknown>,
  fields: readonly string[],
): DocumentIndexKeys {
  const perField = fields.map((field) => {
    const out: FieldValues = { values: [], present: false, multikey: false };
    collect(document, field.split('.'), 0, out);
    return out;
  });
  const multikeyFields = fields.filter(
    (_, i) => perField[i].multikey && perField[i].values.length > 1,
  );
  if (multikeyFields.length > 1) {
    throw new CommandFailure(
      171,
      'CannotIndexParallelArrays',
      `cannot index parallel arrays [${multikeyFields[1]}] [${multikeyFields[0]}]`,
    );
  }
  let combos: unknown[][] = [[]];
  for (const field of perField) {
    const next: unknown[][] = [];
    for (const combo of combos) for (const value of field.values) next.push([...combo, value]);
    combos = next;
  }
  const keys = new Map<string, IndexKey>();
  for (const combo of combos) {
    const key = combo.map(keyOf).join(SEPARATOR);
    if (!keys.has(key)) {
      keys.set(key, {
        key,
        values: combo.map((value) => (value === EMPTY_ARRAY_MARKER ? null : value)),
      });
    }
  }
  return {
    keys: [...keys.values()],
    anyFieldPresent: perField.some((field) => field.present),
    multikey: perField.some((field) => field.multikey),
  };
}
