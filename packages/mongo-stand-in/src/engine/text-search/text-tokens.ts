import stem from 'wink-porter2-stemmer';
import { ENGLISH_STOP_WORDS } from './english-stop-words';

/** How words are compared: `$caseSensitive` and `$diacriticSensitive` of a `$text` query. */
export interface TextFolding {
  readonly caseSensitive: boolean;
  readonly diacriticSensitive: boolean;
}

/** The folding of an index's keys and of a `$text` query that asks for nothing else. */
export const DEFAULT_FOLDING: TextFolding = { caseSensitive: false, diacriticSensitive: false };

/*
 * Words are the runs of letters, digits and apostrophes between whitespace and punctuation,
 * as mongod's tokeniser cuts them (`coffee-shop's` gives `coffee` and `shop's`).
 */
const WORD = /[\p{L}\p{N}\p{M}']+/gu;
const MARKS = /\p{M}/gu;

/** A text folded as a text index folds it: diacritics removed, then lower-cased. */
export function foldText(text: string, folding: TextFolding): string {
  const bare = folding.diacriticSensitive ? text : text.normalize('NFD').replace(MARKS, '');
  return folding.caseSensitive ? bare : bare.toLowerCase();
}

/** The words of a text in order, folded, apostrophes at their ends dropped. */
export function splitWords(text: string, folding: TextFolding): string[] {
  const words: string[] = [];
  for (const match of foldText(text, folding).matchAll(WORD)) {
    const word = match[0].replace(/^'+|'+$/g, '');
    if (word !== '') words.push(word);
  }
  return words;
}

/**
 * The index terms of a text in `language`: its words without English stop words, stemmed
 * (English only: other languages keep words whole in the stand-in).
 */
export function textTerms(text: string, language: string, folding: TextFolding): string[] {
  const words = splitWords(text, folding);
  if (language !== 'english') return words;
  const terms: string[] = [];
  for (const word of words) {
    const lower = word.toLowerCase();
    if (ENGLISH_STOP_WORDS.has(lower)) continue;
    // The stemmer works on lower case; a case-sensitive term keeps its case on the stem.
    const stemmed = stem(lower);
    terms.push(word === lower ? stemmed : word.slice(0, stemmed.length));
  }
  return terms;
}
