import { CommandFailure } from '../../command-types';
import { isPlainDocument } from '../bson-value';
import { queryPathValues } from '../document-path';
import { isArray } from '../intrinsics';
import type { IndexSpec } from '../index-spec';
import { textLanguage } from './text-languages';
import { foldText, textTerms, type TextFolding } from './text-tokens';

type Document = Record<string, unknown>;

/** A parsed `$search` string in a language. */
interface SearchTerms {
  readonly positive: readonly string[];
  readonly negative: ReadonlySet<string>;
  readonly phrases: readonly string[];
  readonly negatedPhrases: readonly string[];
}

/** Scores a document against a `$text` query: 0 when it does not match. */
export type TextScorer = (document: Document) => number;

const OPTIONS = new Set(['$search', '$language', '$caseSensitive', '$diacriticSensitive']);
/** A field whose whole text is a term scores a little more (mongod's exact-match bonus). */
const EXACT_MATCH_BONUS = 1.1;

const badValue = (message: string): CommandFailure => new CommandFailure(2, 'BadValue', message);

function optionalFlag(spec: Document, name: string): boolean {
  const value = spec[name];
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw badValue(`${name} requires a boolean value`);
  return value;
}

/**
 * Cuts a `$search` string into quoted phrases and plain words, each maybe negated by a
 * leading `-`; words become terms as the document text does, in the query's language.
 */
function parseSearch(search: string, language: string, folding: TextFolding): SearchTerms {
  const positive: string[] = [];
  const negative = new Set<string>();
  const phrases: string[] = [];
  const negatedPhrases: string[] = [];
  const pattern = /(-?)"([^"]*)"?|(-?)([^\s"]+)/g;
  for (const match of search.matchAll(pattern)) {
    if (match[2] !== undefined) {
      const phrase = match[2].trim();
      if (phrase === '') continue;
      if (match[1] === '-') negatedPhrases.push(phrase);
      else {
        phrases.push(phrase);
        positive.push(...textTerms(phrase, language, folding));
      }
      continue;
    }
    const terms = textTerms(match[4], language, folding);
    if (match[3] === '-') terms.forEach((term) => negative.add(term));
    else positive.push(...terms);
  }
  return { positive: [...new Set(positive)], negative, phrases, negatedPhrases };
}

/** The texts of a document a text index reads, each with its field's weight. */
function weightedTexts(document: Document, weights: Readonly<Record<string, number>>) {
  const texts: Array<{ text: string; weight: number }> = [];
  const add = (value: unknown, weight: number): void => {
    if (typeof value === 'string') texts.push({ text: value, weight });
  };
  const addAll = (value: unknown, weight: number): void => {
    if (typeof value === 'string') add(value, weight);
    else if (isArray(value)) value.forEach((element) => addAll(element, weight));
    else if (isPlainDocument(value)) Object.values(value).forEach((inner) => addAll(inner, weight));
  };
  for (const [path, weight] of Object.entries(weights)) {
    if (path === '$**') {
      addAll(document, weight);
      continue;
    }
    for (const value of queryPathValues(document, path)) if (!isArray(value)) add(value, weight);
  }
  return texts;
}

/**
 * One field's score for each term, after mongod's formula: per occurrence a term counts
 * 1, then ½, ¼... (repeats matter less), scaled by how much of the field it is, by the
 * field's weight, and by a bonus when the term is the whole field.
 */
function fieldScores(
  text: string,
  weight: number,
  language: string,
  folding: TextFolding,
  into: Map<string, number>,
): void {
  const terms = textTerms(text, language, folding);
  const counts = new Map<string, number>();
  for (const term of terms) counts.set(term, (counts.get(term) ?? 0) + 1);
  for (const [term, count] of counts) {
    const frequency = 2 - 2 ** (1 - count);
    const coefficient = (0.5 * count) / terms.length + 0.5;
    const exact = foldText(text, folding) === term ? EXACT_MATCH_BONUS : 1;
    into.set(term, (into.get(term) ?? 0) + weight * frequency * coefficient * exact);
  }
}

function documentLanguage(document: Document, index: IndexSpec, fallback: string): string {
  const override = document[String(index.language_override)];
  return (typeof override === 'string' && textLanguage(override)) || fallback;
}

/**
 * Compiles a `$text` operand against the collection's text index into a scorer.
 * @throws CommandFailure 2 BadValue for a malformed operand, 17262 for an unknown language.
 */
export function compileTextQuery(spec: unknown, index: IndexSpec): TextScorer {
  if (!isPlainDocument(spec)) throw badValue('$text expects an object');
  for (const field of Object.keys(spec)) {
    if (!OPTIONS.has(field)) throw badValue(`extra fields in $text: ${field}`);
  }
  if (typeof spec.$search !== 'string') throw badValue('$search required and must be a string');
  const requested = spec.$language ?? index.default_language;
  const language = typeof requested === 'string' ? textLanguage(requested) : undefined;
  if (language === undefined) {
    throw new CommandFailure(17262, 'Location17262', `language ${String(requested)} not supported`);
  }
  const folding = {
    caseSensitive: optionalFlag(spec, '$caseSensitive'),
    diacriticSensitive: optionalFlag(spec, '$diacriticSensitive'),
  };
  const search = parseSearch(spec.$search, language, folding);
  const indexLanguage = textLanguage(String(index.default_language)) ?? 'english';
  const weights = index.weights as Record<string, number>;
  const phrases = search.phrases.map((phrase) => foldText(phrase, folding));
  const negatedPhrases = search.negatedPhrases.map((phrase) => foldText(phrase, folding));
  return (document) => {
    const texts = weightedTexts(document, weights);
    // A document is indexed in its own language (its override, else the index's), whatever
    // the query's: a query in another language finds only the words both cut alike.
    const fieldLanguage = documentLanguage(document, index, indexLanguage);
    const scores = new Map<string, number>();
    for (const { text, weight } of texts) fieldScores(text, weight, fieldLanguage, folding, scores);
    if ([...search.negative].some((term) => scores.has(term))) return 0;
    const folded = texts.map(({ text }) => foldText(text, folding));
    const contains = (phrase: string): boolean => folded.some((text) => text.includes(phrase));
    if (!phrases.every(contains) || negatedPhrases.some(contains)) return 0;
    return search.positive.reduce((total, term) => total + (scores.get(term) ?? 0), 0);
  };
}
