import { Query } from 'mingo/query';
import { CommandFailure } from '../command-types';
import { isPlainDocument } from './bson-value';
import { mingoOptions } from './mingo-context';
import { translateMingoError } from './mingo-errors';
import { escapeDocument, escapeSpec, unescapeDocument } from './mingo-field-escape';

type Document = Record<string, unknown>;

const SELECT_ALL = new Query({}, mingoOptions());

/** True when the projection would change nothing (absent or empty). */
export function isEmptyProjection(projection: unknown): boolean {
  return (
    projection === undefined ||
    projection === null ||
    (isPlainDocument(projection) && Object.keys(projection).length === 0)
  );
}

/**
 * Applies a find projection (inclusion, exclusion, `$slice`, `$elemMatch`, positional,
 * expressions) to documents. The results may share nested values with the inputs; callers
 * clone before handing them out.
 */
export function projectDocuments(documents: Document[], projection: unknown): Document[] {
  if (isEmptyProjection(projection)) return documents;
  if (!isPlainDocument(projection)) {
    throw new CommandFailure(14, 'TypeMismatch', 'Expected field projection to be of type object');
  }
  try {
    return SELECT_ALL.find<Document>(
      documents.map(escapeDocument),
      escapeSpec(projection) as Document,
    )
      .all()
      .map(unescapeDocument);
  } catch (error) {
    throw translateMingoError(error);
  }
}
