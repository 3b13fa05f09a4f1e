import { Query } from 'mingo/query';
import { CommandFailure } from '../command-types';
import { isPlainDocument } from './bson-value';
import { mingoOptions } from './mingo-context';
import { translateMingoError } from './mingo-errors';
import { escapeDocument, escapeSpec, unescapeDocument } from './mingo-field-escape';
import { setOwnField } from './own-fields';
import { isTextScoreMeta, TEXT_SCORE_FIELD, withoutTextScore } from './text-search/text-score-meta';

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
 * expressions, `{ $meta: 'textScore' }`) to documents. A `$text` query's score, which its
 * matches carry in `TEXT_SCORE_FIELD`, is shown only where the projection asks for it. The
 * results may share nested values with the inputs; callers clone before handing them out.
 */
export function projectDocuments(documents: Document[], projection: unknown): Document[] {
  if (isEmptyProjection(projection)) return documents.map(withoutTextScore);
  if (!isPlainDocument(projection)) {
    throw new CommandFailure(14, 'TypeMismatch', 'Expected field projection to be of type object');
  }
  const scoreFields = Object.keys(projection).filter((field) => isTextScoreMeta(projection[field]));
  const rest = Object.fromEntries(
    Object.entries(projection).filter(([field]) => !scoreFields.includes(field)),
  );
  const projected = projectWithMingo(documents.map(withoutTextScore), rest);
  if (scoreFields.length === 0) return projected;
  return projected.map((document, i) => {
    const out = { ...document };
    const score = documents[i][TEXT_SCORE_FIELD];
    // Without a `$text` query there is no score to show: the field stays out.
    if (score !== undefined) for (const field of scoreFields) setOwnField(out, field, score);
    return out;
  });
}

function projectWithMingo(documents: Document[], projection: Document): Document[] {
  if (isEmptyProjection(projection)) return documents;
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
