import { isPlainDocument } from './bson-value';
import { isArray } from './intrinsics';
import { ownField, setOwnField } from './own-fields';

const isIndex = (part: string): boolean => /^\d+$/.test(part);

/**
 * The values a query predicate on a dotted path tests, following MongoDB's implicit array
 * traversal: an array met on the way is descended element by element (and indexed when the
 * next part is a number); an array at the end is tested whole and element by element; a
 * missing branch yields `undefined` (which `{ $eq: null }` matches).
 */
export function queryPathValues(document: unknown, path: string): unknown[] {
  const out: unknown[] = [];
  collect(document, path.split('.'), 0, out, true);
  return out;
}

/**
 * A predicate over the values {@link queryPathValues} yields for `path`, compiled once per
 * path. Top-level paths (the common case) test without allocating.
 */
export function somePathValue(
  path: string,
  test: (value: unknown) => boolean,
): (document: unknown) => boolean {
  if (!path.includes('.')) {
    return (document) => {
      const value = isPlainDocument(document) ? ownField(document, path) : undefined;
      return isArray(value) ? test(value) || value.some(test) : test(value);
    };
  }
  const parts = path.split('.');
  return (document) => {
    const out: unknown[] = [];
    collect(document, parts, 0, out, true);
    return out.some(test);
  };
}

/**
 * The values a sort on a dotted path considers: like {@link queryPathValues}, but a final
 * array contributes its elements only (an empty array contributes `[]`).
 */
export function sortPathValues(document: unknown, path: string): unknown[] {
  const out: unknown[] = [];
  collect(document, path.split('.'), 0, out, false);
  return out;
}

function collect(
  value: unknown,
  parts: string[],
  i: number,
  out: unknown[],
  wholeArray: boolean,
): void {
  if (i === parts.length) {
    if (isArray(value)) {
      if (wholeArray || value.length === 0) out.push(value);
      out.push(...value);
    } else {
      out.push(value);
    }
    return;
  }
  const part = parts[i];
  if (isArray(value)) {
    const before = out.length;
    if (isIndex(part) && Number(part) < value.length) {
      collect(value[Number(part)], parts, i + 1, out, wholeArray);
    }
    for (const element of value) {
      if (isPlainDocument(element)) collect(element, parts, i, out, wholeArray);
    }
    if (out.length === before) out.push(undefined);
    return;
  }
  if (isPlainDocument(value)) {
    collect(ownField(value, part), parts, i + 1, out, wholeArray);
    return;
  }
  out.push(undefined);
}

/** The value at a dotted path without array traversal (numeric parts index arrays). */
export function getPathValue(document: unknown, path: string): unknown {
  let current: unknown = document;
  for (const part of path.split('.')) {
    if (isArray(current) && isIndex(part)) current = current[Number(part)];
    else if (isPlainDocument(current)) current = ownField(current, part);
    else return undefined;
  }
  return current;
}

/** Sets a dotted path in a document, creating intermediate documents as needed. */
export function setPathValue(
  document: Record<string, unknown>,
  path: string,
  value: unknown,
): void {
  const parts = path.split('.');
  let current: Record<string, unknown> = document;
  for (const part of parts.slice(0, -1)) {
    let next = ownField(current, part);
    if (!isPlainDocument(next)) {
      next = {};
      setOwnField(current, part, next);
    }
    current = next as Record<string, unknown>;
  }
  setOwnField(current, parts[parts.length - 1], value);
}
