import type { MatchRoot } from './match';

/**
 * What an operation produced, converted to the format's shape, and how `expectResult` must
 * treat it: a document result is a root-level document, a cursor's contents are a list of
 * root-level documents, anything else (`distinct`, counts) is matched exactly.
 */
export interface OperationResult {
  readonly value: unknown;
  readonly root: MatchRoot;
}

export function documentResult(value: unknown): OperationResult {
  return { value, root: 'document' };
}

export function documentsResult(value: unknown[]): OperationResult {
  return { value, root: 'documents' };
}

export function valueResult(value: unknown): OperationResult {
  return { value, root: 'none' };
}
