import { CommandFailure } from '../command-types';
import { isPlainDocument } from './bson-value';
import type { CollectionState } from './collection-state';
import { somePathValue } from './document-path';
import { compileJsonSchema } from './json-schema';
import { compileFilter } from './query-matcher';
import { refuseWhereOutsideFind } from './where-refusal';

type Document = Record<string, unknown>;

export const VALIDATION_LEVELS = ['off', 'strict', 'moderate'] as const;
export const VALIDATION_ACTIONS = ['error', 'warn'] as const;

/** A collection's validation options, as `create` and `collMod` store them. */
interface Validation {
  readonly validator: Document;
  readonly level: (typeof VALIDATION_LEVELS)[number];
  readonly action: (typeof VALIDATION_ACTIONS)[number];
}

function validationOf(options: Document): Validation | undefined {
  const { validator } = options;
  if (!isPlainDocument(validator) || Object.keys(validator).length === 0) return undefined;
  return {
    validator,
    level: (options.validationLevel as Validation['level'] | undefined) ?? 'strict',
    action: (options.validationAction as Validation['action'] | undefined) ?? 'error',
  };
}

/**
 * Checks a validator when `create` or `collMod` sets it, so that a validator mongod would
 * refuse (an unknown operator, a malformed `$jsonSchema`, `$where`) fails there and not at
 * the first write.
 */
export function checkValidator(validator: Document): void {
  refuseWhereOutsideFind(validator);
  compileFilter(validator);
}

const COMPARISONS = new Set(['$eq', '$ne', '$gt', '$gte', '$lt', '$lte', '$in', '$nin']);

/** mongod's account of one unsatisfied top-level clause of a query-operator validator. */
function clauseDetails(field: string, condition: unknown, document: Document): Document {
  if (field === '$jsonSchema') {
    return {
      operatorName: '$jsonSchema',
      schemaRulesNotSatisfied: compileJsonSchema(condition)(document),
    };
  }
  if (field.startsWith('$')) {
    return {
      operatorName: field,
      specifiedAs: { [field]: condition },
      reason: 'expression did not match',
    };
  }
  const operator =
    isPlainDocument(condition) && Object.keys(condition)[0]?.startsWith('$')
      ? Object.keys(condition)[0]
      : '$eq';
  const present = somePathValue(field, (value) => value !== undefined)(document);
  const details: Document = {
    operatorName: operator,
    specifiedAs: { [field]: condition },
    reason:
      !present && operator !== '$exists'
        ? 'field was missing'
        : COMPARISONS.has(operator)
          ? 'comparison failed'
          : 'expression did not match',
  };
  if (present && !field.includes('.')) details.consideredValue = document[field];
  return details;
}

/** The `errInfo.details` mongod gives for a document its validator refuses. */
function failureDetails(validator: Document, document: Document): Document {
  const failing = Object.entries(validator).filter(
    ([field, condition]) => !compileFilter({ [field]: condition })(document),
  );
  if (Object.keys(validator).length === 1 && failing.length === 1) {
    return clauseDetails(failing[0][0], failing[0][1], document);
  }
  return {
    operatorName: '$and',
    clausesNotSatisfied: failing.map(([field, condition]) => ({
      index: Object.keys(validator).indexOf(field),
      details: clauseDetails(field, condition, document),
    })),
  };
}

/**
 * Applies a collection's validator to a document about to be stored, as mongod 7.0 does:
 * a document that fails it is refused with 121 DocumentValidationFailure and an `errInfo`
 * naming the document and the rules it broke, unless the write bypasses validation, the
 * level is `off`, the action is `warn` (mongod then only logs), or the level is `moderate`
 * and the write updates a document that already failed the validator (`previous`).
 */
export function validateDocument(
  collection: CollectionState | undefined,
  document: Document,
  previous: Document | undefined,
  bypass: boolean,
): void {
  const validation = collection && !bypass ? validationOf(collection.options) : undefined;
  if (!validation || validation.level === 'off' || validation.action === 'warn') return;
  const matches = compileFilter(validation.validator);
  if (matches(document)) return;
  if (validation.level === 'moderate' && previous !== undefined && !matches(previous)) return;
  throw new CommandFailure(121, 'DocumentValidationFailure', 'Document failed validation', {
    errInfo: {
      failingDocumentId: document._id,
      details: failureDetails(validation.validator, document),
    },
  });
}
