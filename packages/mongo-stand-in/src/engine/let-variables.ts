import type { Document } from 'bson';
import { evalExpr } from 'mingo/core';
import type { Options } from 'mingo/types/types';
import { CommandFailure } from '../command-types';
import { isPlainDocument } from './bson-value';
import { bindNow, commandNow, withCommandVariables } from './command-time';
import { mingoOptions } from './mingo-context';
import { translateMingoError } from './mingo-errors';
import { escapeDocument, escapeSpec } from './mingo-field-escape';
import { setOwnField } from './own-fields';

/*
 * A command's `let` parameters (find, aggregate, update, delete, findAndModify): constants
 * that its filters' `$expr`, its update pipelines and its aggregation stages read as
 * `$$name`. mongod evaluates each definition once, before the command touches a document,
 * so a definition may use `$$NOW` but no field of any document.
 */

/**
 * Runs `run` with the variables `letSpec` defines (as it is when `letSpec` is undefined).
 * @throws CommandFailure 14 when `let` is not a document, 16866/16867/16868 for a name
 *   mongod refuses, or the failure of a definition's expression.
 */
export function withLetVariables<T>(letSpec: unknown, run: () => T): T {
  if (letSpec === undefined) return run();
  return withCommandVariables(evaluateVariables(letSpec), run);
}

function evaluateVariables(letSpec: unknown): Document {
  if (!isPlainDocument(letSpec)) {
    throw new CommandFailure(
      14,
      'TypeMismatch',
      "BSON field 'let' is the wrong type, expected type 'object'",
    );
  }
  const evaluated: Document = {};
  const now = commandNow();
  for (const name of Object.keys(letSpec)) {
    validateVariableName(name);
    setOwnField(evaluated, name, evaluate(bindNow(letSpec[name], now)));
  }
  return evaluated;
}

/** One definition, evaluated against no document and none of the other variables. */
function evaluate(expression: unknown): unknown {
  return evaluateExpression({}, expression);
}

/**
 * An aggregation expression evaluated against `document` (with the command's variables).
 * The value is kept as mingo sees values (field names escaped, see mingo-field-escape.ts),
 * since it is only ever read by mingo again, as a variable.
 */
export function evaluateExpression(document: Document, expression: unknown): unknown {
  try {
    return evalExpr(escapeDocument(document), escapeSpec(expression), mingoOptions() as Options);
  } catch (error) {
    throw translateMingoError(error);
  }
}

const isWordCharacter = (code: number): boolean =>
  (code >= 0x30 && code <= 0x39) ||
  (code >= 0x41 && code <= 0x5a) ||
  (code >= 0x61 && code <= 0x7a) ||
  code === 0x5f ||
  code >= 0x80;

/** mongod's rule for user variable names: a lowercase or non-ASCII start, then word characters. */
export function validateVariableName(name: string): void {
  if (name.length === 0) {
    throw new CommandFailure(16866, 'Location16866', 'empty variable names are not allowed');
  }
  const first = name.charCodeAt(0);
  if (!((first >= 0x61 && first <= 0x7a) || first >= 0x80)) {
    throw new CommandFailure(
      16867,
      'Location16867',
      `'${name}' starts with an invalid character for a user variable name`,
    );
  }
  for (const character of name.slice(1)) {
    if (!isWordCharacter(character.charCodeAt(0))) {
      throw new CommandFailure(
        16868,
        'Location16868',
        `'${name}' contains an invalid character for a variable name: '${character}'`,
      );
    }
  }
}
