import { cloneValue } from './bson-clone';
import { isPlainDocument } from './bson-value';
import { DateClass, isArray } from './intrinsics';
import { copyOwnFields, isSimpleFieldName, ownField, setOwnField } from './own-fields';

type Document = Record<string, unknown>;

/**
 * An update pipeline of `$set`/`$addFields` stages evaluated directly on a document, for the
 * expressions job queues write (`$literal`, top-level field paths, `$add`, `$ifNull`,
 * `$concatArrays`, `$slice`): a claim's pipeline update otherwise copies, escapes and
 * re-reads every document through mingo. It returns undefined for a document whose values
 * fall outside what it evaluates exactly as mongod does (a missing or null operand, a
 * `Long` or `Double` in arithmetic, a non-array to concatenate); mingo then runs the
 * pipeline as before, and reports any error.
 *
 * The output shares the input's untouched values (stored values are never changed in
 * place: see collection-state.ts), so it costs one shallow copy per document.
 */
export type SetPipeline = (document: Document) => Document | undefined;

/** Returned by an evaluator for a value it does not evaluate exactly. */
const GIVE_UP: unique symbol = Symbol('give up');
type Evaluator = (document: Document) => unknown;

/**
 * The pipeline compiled to a {@link SetPipeline}, or undefined when some stage or expression
 * is not one it evaluates (`$$NOW` must be bound already; other variables are not read).
 */
export function compileSetPipeline(pipeline: readonly unknown[]): SetPipeline | undefined {
  const stages: Array<ReadonlyArray<readonly [string, Evaluator]>> = [];
  for (const stage of pipeline) {
    if (!isPlainDocument(stage)) return undefined;
    const keys = Object.keys(stage);
    if (keys.length !== 1 || (keys[0] !== '$set' && keys[0] !== '$addFields')) return undefined;
    const spec = stage[keys[0]];
    if (!isPlainDocument(spec)) return undefined;
    const fields: Array<readonly [string, Evaluator]> = [];
    for (const name of Object.keys(spec)) {
      if (name === '_id' || !isSimpleFieldName(name)) return undefined;
      const evaluate = compileExpression(spec[name]);
      if (!evaluate) return undefined;
      fields.push([name, evaluate]);
    }
    stages.push(fields);
  }
  return (document) => {
    let current = document;
    for (const fields of stages) {
      const values: unknown[] = [];
      for (const [, evaluate] of fields) {
        const value = evaluate(current);
        // A missing value removes or skips the field in mongod: mingo handles that case.
        if (value === GIVE_UP || value === undefined) return undefined;
        values.push(value);
      }
      const next = copyOwnFields(current);
      fields.forEach(([name], i) => setOwnField(next, name, values[i]));
      current = next;
    }
    return current;
  };
}

function compileExpression(expression: unknown): Evaluator | undefined {
  if (typeof expression === 'string') {
    if (!expression.startsWith('$')) return () => expression;
    const field = expression.slice(1);
    return isSimpleFieldName(field) ? (document) => ownField(document, field) : undefined;
  }
  if (
    expression === null ||
    typeof expression === 'number' ||
    typeof expression === 'boolean' ||
    expression instanceof DateClass
  ) {
    return () => expression;
  }
  if (isArray(expression)) {
    const items = compileAll(expression);
    return items && ((document) => evaluateAll(items, document) ?? GIVE_UP);
  }
  if (!isPlainDocument(expression)) return undefined;
  const keys = Object.keys(expression);
  if (keys.length !== 1) return undefined;
  const argument = expression[keys[0]];
  switch (keys[0]) {
    case '$literal':
      return () => cloneValue(argument);
    case '$add':
      return compileOperator(argument, 1, add);
    case '$ifNull':
      return compileOperator(argument, 2, ifNull, true);
    case '$concatArrays':
      return compileOperator(argument, 1, concatArrays);
    case '$slice':
      return compileSlice(argument);
    default:
      return undefined;
  }
}

function compileAll(expressions: readonly unknown[]): Evaluator[] | undefined {
  const compiled: Evaluator[] = [];
  for (const expression of expressions) {
    const evaluate = compileExpression(expression);
    if (!evaluate) return undefined;
    compiled.push(evaluate);
  }
  return compiled;
}

/**
 * The values of `items` for `document`, or undefined when one gave up or, unless
 * `missingAllowed`, is missing (null or an error in mongod, depending on the operator).
 */
function evaluateAll(
  items: readonly Evaluator[],
  document: Document,
  missingAllowed = false,
): unknown[] | undefined {
  const values: unknown[] = [];
  for (const item of items) {
    const value = item(document);
    if (value === GIVE_UP || (value === undefined && !missingAllowed)) return undefined;
    values.push(value);
  }
  return values;
}

function compileOperator(
  argument: unknown,
  minArguments: number,
  apply: (values: unknown[]) => unknown,
  missingAllowed = false,
): Evaluator | undefined {
  if (!isArray(argument) || argument.length < minArguments) return undefined;
  const items = compileAll(argument);
  if (!items) return undefined;
  return (document) => {
    const values = evaluateAll(items, document, missingAllowed);
    return values ? apply(values) : GIVE_UP;
  };
}

/** Plain numbers, or one date and plain numbers (a date then). */
function add(values: unknown[]): unknown {
  let sum = 0;
  let date = false;
  for (const value of values) {
    if (typeof value === 'number') sum += value;
    else if (value instanceof DateClass && !date) {
      date = true;
      sum += value.getTime();
    } else return GIVE_UP;
  }
  // mongod rounds a date's fractional milliseconds; such sums are left to mingo.
  if (date && !Number.isSafeInteger(sum)) return GIVE_UP;
  return date ? new Date(sum) : sum;
}

/** The first value neither null nor missing, else the last. */
function ifNull(values: unknown[]): unknown {
  for (let i = 0; i < values.length - 1; i++) {
    if (values[i] !== null && values[i] !== undefined) return values[i];
  }
  return values[values.length - 1] ?? GIVE_UP;
}

function concatArrays(values: unknown[]): unknown {
  const out: unknown[] = [];
  for (const value of values) {
    if (!isArray(value)) return GIVE_UP;
    for (const item of value) out.push(item);
  }
  return out;
}

/** The two-argument `$slice` with a constant integer count. */
function compileSlice(argument: unknown): Evaluator | undefined {
  if (!isArray(argument) || argument.length !== 2) return undefined;
  const [arrayExpression, count] = argument;
  if (typeof count !== 'number' || !Number.isInteger(count) || count === 0) return undefined;
  const array = compileExpression(arrayExpression);
  if (!array) return undefined;
  return (document) => {
    const value = array(document);
    if (!isArray(value)) return GIVE_UP;
    return count >= 0 ? value.slice(0, count) : value.slice(Math.max(0, value.length + count));
  };
}
