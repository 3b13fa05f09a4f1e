import { CommandFailure } from '../command-types';
import { isPlainDocument } from './bson-value';
import { formatValue } from './value-format';
import { isArray } from './intrinsics';
import { copyOwnFields, ownField, setOwnField } from './own-fields';

type Document = Record<string, unknown>;
type Container = Document | unknown[];

const isIndex = (part: string): boolean => /^\d+$/.test(part);

/** How a positional path element (`$`, `$[]`, `$[id]`) picks array elements. */
export interface PositionalResolver {
  /** Index of the element the query matched in the array at `arrayPath` (for `$`). */
  firstMatchIndex(arrayPath: string): number;
  /** Whether the element passes the array filter named `identifier` (for `$[identifier]`). */
  passesFilter(identifier: string, element: unknown): boolean;
}

/** The identifier of a `$[identifier]` path element, undefined for anything else. */
export function filterIdentifier(part: string): string | undefined {
  const match = /^\$\[(.*)\]$/.exec(part);
  return match && match[1] !== '' ? match[1] : undefined;
}

function child(node: unknown, part: string): unknown {
  if (isArray(node)) return isIndex(part) ? node[Number(part)] : undefined;
  return isPlainDocument(node) ? ownField(node, part) : undefined;
}

/**
 * Expands an update path with positional elements into the concrete paths it designates
 * in `document` (`y.$[i].b` → `y.0.b`, `y.2.b`...). Paths without positional elements come
 * back unchanged.
 */
export function expandUpdatePath(
  document: Document,
  parts: readonly string[],
  resolver: PositionalResolver,
): string[][] {
  const results: string[][] = [];
  const walk = (node: unknown, i: number, prefix: string[]): void => {
    if (i === parts.length) {
      results.push(prefix);
      return;
    }
    const part = parts[i];
    if (part === '$') {
      const index = resolver.firstMatchIndex(prefix.join('.'));
      walk(child(node, String(index)), i + 1, [...prefix, String(index)]);
      return;
    }
    const identifier = filterIdentifier(part);
    if (part === '$[]' || identifier !== undefined) {
      if (!isArray(node)) {
        throw new CommandFailure(
          2,
          'BadValue',
          `The path '${prefix.join('.')}' must exist in the document in order to apply array updates.`,
        );
      }
      node.forEach((element, index) => {
        if (identifier === undefined || resolver.passesFilter(identifier, element)) {
          walk(element, i + 1, [...prefix, String(index)]);
        }
      });
      return;
    }
    walk(child(node, part), i + 1, [...prefix, part]);
  };
  walk(document, 0, []);
  return results;
}

/** Where a write lands: the container holding the field and the field's name (or index). */
export interface WriteLocation {
  readonly parent: Container;
  readonly key: string;
}

/** mongod pads an array with at most this many nulls to reach the index an update names. */
const MAX_ARRAY_PADDING = 1_500_000;

/** Reads a field of a container (arrays by numeric index); inherited properties are missing. */
export function readField(parent: Container, key: string): unknown {
  return isArray(parent) ? (isIndex(key) ? parent[Number(key)] : undefined) : ownField(parent, key);
}

/**
 * Writes a field of a container; writing past an array's end pads it with nulls, up to
 * mongod's limit (beyond it, 34 CannotBackfillArray, before anything is padded).
 */
export function writeField(parent: Container, key: string, value: unknown): void {
  if (isArray(parent)) {
    const index = Number(key);
    if (index - parent.length > MAX_ARRAY_PADDING) {
      throw new CommandFailure(
        34,
        'CannotBackfillArray',
        `can't backfill more than ${MAX_ARRAY_PADDING} elements`,
      );
    }
    while (parent.length < index) parent.push(null);
    parent[index] = value;
  } else {
    setOwnField(parent, key, value);
  }
}

/**
 * While an update is applied with {@link copyingOnWrite}, the containers it may write into:
 * its own copy of the document, and the copies and new documents `locate` made on the way.
 */
let ownedContainers: Set<object> | undefined;

/**
 * Runs `apply` on a shallow copy of `original` (a stored document), which it writes into
 * through `locate`: every nested document or array on the way to a write is copied first, so
 * `original` is never touched and the fields the update leaves alone stay shared with it
 * (see shared-values.ts: nothing mutates a stored value). Returns the copy.
 */
export function copyingOnWrite(original: Document, apply: (copy: Document) => void): Document {
  const copy = copyOwnFields(original);
  const outer = ownedContainers;
  ownedContainers = new Set([copy]);
  try {
    apply(copy);
    return copy;
  } finally {
    ownedContainers = outer;
  }
}

/** `node` (the field `key` of `parent`), or, under copy-on-write, the copy to write into. */
function writableChild(parent: Container, key: string, node: Container): Container {
  const owned = ownedContainers;
  if (owned === undefined || owned.has(node)) return node;
  const copy = isArray(node) ? node.slice() : copyOwnFields(node);
  owned.add(copy);
  writeField(parent, key, copy);
  return copy;
}

/**
 * The location of a concrete path for writing. With `create`, missing intermediate
 * documents are created and a scalar in the way is 28 PathNotViable (as in mongod);
 * without it, a missing path yields undefined.
 */
export function locate(
  document: Document,
  path: readonly string[],
  create: boolean,
): WriteLocation | undefined {
  let node: Container = document;
  for (let i = 0; i < path.length - 1; i++) {
    const part = path[i];
    if (isArray(node) && !isIndex(part)) {
      if (!create) return undefined;
      throw new CommandFailure(
        28,
        'PathNotViable',
        `Cannot create field '${part}' in element {${path[i - 1] ?? ''}: ${formatValue(node)}}`,
      );
    }
    let next = readField(node, part);
    if (next === undefined) {
      if (!create) return undefined;
      const created: Document = {};
      ownedContainers?.add(created);
      writeField(node, part, created);
      next = created;
    } else if (!isPlainDocument(next) && !isArray(next)) {
      if (!create) return undefined;
      throw new CommandFailure(
        28,
        'PathNotViable',
        `Cannot create field '${path[i + 1]}' in element {${part}: ${formatValue(next)}}`,
      );
    }
    node = writableChild(node, part, next as Container);
  }
  const key = path[path.length - 1];
  if (isArray(node) && !isIndex(key)) {
    if (!create) return undefined;
    throw new CommandFailure(
      28,
      'PathNotViable',
      `Cannot create field '${key}' in element {${path[path.length - 2] ?? ''}: ${formatValue(node)}}`,
    );
  }
  return { parent: node, key };
}
