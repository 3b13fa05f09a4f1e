import { isPlainDocument } from './bson-value';
import { isArray } from './intrinsics';
import { setOwnField } from './own-fields';

/*
 * mingo reads fields with `object[key]` and writes them with `object[key] = value`, and it
 * refuses any path through `__proto__`. To MongoDB, `__proto__`, `constructor`, `toString`...
 * are ordinary field names: mingo would read `constructor` from `Object.prototype` on a
 * document lacking it, turn a stored `__proto__` field into its copy's prototype, and refuse
 * `$project: { __proto__: 1 }`. So such names are renamed before documents and specs reach
 * mingo, and renamed back in what it returns. The new name starts with a NUL character,
 * which a BSON field name cannot contain, so it never meets a client's field.
 */

type Document = Record<string, unknown>;

const MARK = '\u0000';
/** Captured at load, before anything could add to `Object.prototype`. */
const PROTOTYPE_NAMES: ReadonlySet<string> = new Set(Object.getOwnPropertyNames(Object.prototype));

const escapeName = (name: string): string => (PROTOTYPE_NAMES.has(name) ? MARK + name : name);

const unescapeName = (name: string): string =>
  name.startsWith(MARK) && PROTOTYPE_NAMES.has(name.slice(1)) ? name.slice(1) : name;

/** A dotted path with each prototype-named part escaped. */
function escapePath(path: string): string {
  if (!path.includes('.')) return escapeName(path);
  return path.split('.').map(escapeName).join('.');
}

/** True when some field of `value`, however deep, is renamed by `rename`. */
function anyRenamed(value: unknown, rename: (name: string) => string): boolean {
  if (isArray(value)) return value.some((item) => anyRenamed(item, rename));
  if (!isPlainDocument(value)) return false;
  for (const key of Object.keys(value)) {
    if (rename(key) !== key || anyRenamed(value[key], rename)) return true;
  }
  return false;
}

function renameFields(value: unknown, rename: (name: string) => string): unknown {
  if (isArray(value)) return value.map((item) => renameFields(item, rename));
  if (!isPlainDocument(value)) return value;
  const out: Document = {};
  for (const key of Object.keys(value)) {
    setOwnField(out, rename(key), renameFields(value[key], rename));
  }
  return out;
}

/** A stored document as mingo may see it (the same object when no field needs renaming). */
export function escapeDocument(document: Document): Document {
  return anyRenamed(document, escapeName)
    ? (renameFields(document, escapeName) as Document)
    : document;
}

/** A document mingo produced, with the client's field names back. */
export function unescapeDocument(document: Document): Document {
  return anyRenamed(document, unescapeName)
    ? (renameFields(document, unescapeName) as Document)
    : document;
}

/** String arguments that name a field (not expressions), by the operator that takes them. */
const FIELD_NAME_OPTIONS: Readonly<Record<string, readonly string[]>> = {
  $lookup: ['localField', 'foreignField', 'as'],
  $graphLookup: ['connectFromField', 'connectToField', 'as', 'depthField'],
  $unwind: ['includeArrayIndex'],
};

/**
 * A query, projection, expression or stage argument as mingo may see it: field names and
 * `$field.path` references escaped; `$literal` contents and variable names (`$$name`,
 * `$let` variables) left as they are.
 */
export function escapeSpec(spec: unknown): unknown {
  if (typeof spec === 'string') return escapeReference(spec);
  if (isArray(spec)) return spec.map(escapeSpec);
  if (!isPlainDocument(spec)) return spec;
  const out: Document = {};
  for (const key of Object.keys(spec)) {
    setOwnField(out, key.startsWith('$') ? key : escapePath(key), escapeArgument(key, spec[key]));
  }
  return out;
}

/** An aggregation stage as mingo may see it (see {@link escapeSpec}). */
export function escapeStage(stage: Document): Document {
  const out: Document = {};
  for (const name of Object.keys(stage)) {
    const argument = stage[name];
    setOwnField(out, name, escapeStageArgument(name, argument));
  }
  return out;
}

function escapeStageArgument(name: string, argument: unknown): unknown {
  if (name === '$match') return escapeFilter(argument);
  if ((name === '$unset' || name === '$count') && typeof argument === 'string') {
    return escapePath(argument);
  }
  if (name === '$unset' && isArray(argument)) {
    return argument.map((path) => (typeof path === 'string' ? escapePath(path) : path));
  }
  if (name === '$facet' && isPlainDocument(argument)) {
    const out: Document = {};
    for (const key of Object.keys(argument)) {
      setOwnField(out, escapeName(key), escapePipeline(argument[key]));
    }
    return out;
  }
  const fieldOptions = FIELD_NAME_OPTIONS[name];
  if (!fieldOptions || !isPlainDocument(argument)) return escapeSpec(argument);
  const out: Document = {};
  for (const key of Object.keys(argument)) {
    const value = argument[key];
    if (fieldOptions.includes(key) && typeof value === 'string') out[key] = escapePath(value);
    else if (key === 'pipeline') out[key] = escapePipeline(value);
    else if (key === 'let') out[key] = escapeVariables(value);
    else if (key === 'restrictSearchWithMatch') out[key] = escapeFilter(value);
    else out[key] = escapeSpec(value);
  }
  return out;
}

function escapePipeline(pipeline: unknown): unknown {
  if (!isArray(pipeline)) return pipeline;
  return pipeline.map((stage) => (isPlainDocument(stage) ? escapeStage(stage) : stage));
}

/** Variable definitions: names stay (they are not fields), definitions are expressions. */
function escapeVariables(variables: unknown): unknown {
  if (!isPlainDocument(variables)) return escapeSpec(variables);
  const out: Document = {};
  for (const key of Object.keys(variables)) setOwnField(out, key, escapeSpec(variables[key]));
  return out;
}

function escapeArgument(operator: string, argument: unknown): unknown {
  switch (operator) {
    case '$literal':
      return argument;
    case '$let':
      if (!isPlainDocument(argument)) return escapeSpec(argument);
      return { vars: escapeVariables(argument.vars), in: escapeSpec(argument.in) };
    case '$getField':
    case '$setField':
    case '$unsetField':
      if (typeof argument === 'string') return escapeName(argument);
      if (isPlainDocument(argument) && typeof argument.field === 'string') {
        return { ...(escapeSpec(argument) as Document), field: escapeName(argument.field) };
      }
      return escapeSpec(argument);
    default:
      return escapeSpec(argument);
  }
}

/** `$a.b` and `$$var.a.b` references with their field parts escaped; other strings as they are. */
function escapeReference(value: string): string {
  if (!value.startsWith('$')) return value;
  if (value.startsWith('$$')) {
    const dot = value.indexOf('.');
    return dot < 0 ? value : value.slice(0, dot + 1) + escapePath(value.slice(dot + 1));
  }
  return `$${escapePath(value.slice(1))}`;
}

/**
 * A query filter as mingo may see it: field names escaped, in the filter and in the
 * documents it compares with; values stay literal (`'$constructor'` is a string there),
 * except inside `$expr`, which holds expressions.
 */
export function escapeFilter(filter: unknown): unknown {
  if (isArray(filter)) return filter.map(escapeFilter);
  if (!isPlainDocument(filter)) return filter;
  const out: Document = {};
  for (const key of Object.keys(filter)) {
    const value = filter[key];
    setOwnField(out, escapePath(key), key === '$expr' ? escapeSpec(value) : escapeFilter(value));
  }
  return out;
}
