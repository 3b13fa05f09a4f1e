import { identicalValues } from './bson-compare';
import { canonicalKey } from './canonical-key';
import { checkStorable } from './document-limits';
import { validateDocument } from './document-validation';
import type { CollectionState } from './collection-state';
import { findMatches } from './find-matches';
import type { SortSpec } from './sort-documents';
import type { StandInStore } from './stand-in-store';
import { applyUpdate, type ParsedUpdate } from './update-apply';
import { buildUpsertDocument } from './upsert-seed';

type Document = Record<string, unknown>;

/** One update statement, already validated. */
export interface UpdateStatement {
  readonly query: Document;
  readonly update: ParsedUpdate;
  readonly multi: boolean;
  readonly upsert: boolean;
  /** For a single-document update: which match to take first (findAndModify). */
  readonly sort?: SortSpec;
  /** `bypassDocumentValidation`: the collection's validator is not applied. */
  readonly bypassValidation?: boolean;
}

/** What an update statement did. */
export interface UpdateOutcome {
  readonly matched: number;
  readonly modified: number;
  /** Set when the statement inserted a document. */
  readonly upserted?: { readonly _id: unknown };
  /** The (first) matched document before the update, or undefined. Read-only. */
  readonly before?: Document;
  /** The (first) document after the update or upsert, or undefined. Read-only. */
  readonly after?: Document;
}

/**
 * Runs one update statement against `db.collection`. Each matched document is updated on
 * its own (a unique-index violation stops the statement there, as in mongod, and leaves
 * that document unchanged); a document the update leaves identical is not rewritten and
 * not counted as modified. A result mongod would not store (see document-limits.ts) is
 * refused like a unique-index violation, and so is one the collection's validator refuses
 * (see document-validation.ts). Throws CommandFailure/DuplicateKeyError for the
 * write error.
 */
export function updateDocuments(
  store: StandInStore,
  dbName: string,
  name: string,
  statement: UpdateStatement,
): UpdateOutcome {
  store.assertWritable(dbName, name);
  const collection = store.getCollection(dbName, name);
  const matches = findMatches(collection, statement.query, statement.multi ? 0 : 1, statement.sort);
  if (matches.length === 0) {
    if (!statement.upsert) return { matched: 0, modified: 0 };
    const document = buildUpsertDocument(statement.query, statement.update);
    checkStorable(document, 'upsert');
    validateDocument(collection, document, undefined, statement.bypassValidation === true);
    store.collectionForWrite(dbName, name).collection.insert(document);
    return { matched: 0, modified: 0, upserted: { _id: document._id }, after: document };
  }
  let modified = 0;
  let after: Document | undefined;
  for (const document of matches) {
    const updated = applyUpdate(document, statement.update, {
      query: statement.query,
      upsertInsert: false,
    });
    const changed = !identicalValues(document, updated);
    if (changed) {
      checkStorable(updated, 'update', document);
      validateDocument(collection, updated, document, statement.bypassValidation === true);
      const replacement = statement.update.kind === 'replacement';
      collection!.replace(canonicalKey(document._id), updated, replacement);
      modified += 1;
    }
    after ??= changed ? updated : document;
  }
  return { matched: matches.length, modified, before: matches[0], after };
}

/** Deletes the documents matching `query` (at most one when `justOne`); returns them. */
export function deleteDocuments(
  collection: CollectionState | undefined,
  query: Document,
  justOne: boolean,
  sort?: SortSpec,
): Document[] {
  if (!collection) return [];
  const matches = findMatches(collection, query, justOne ? 1 : 0, sort);
  for (const document of matches) collection.remove(canonicalKey(document._id));
  return matches;
}
