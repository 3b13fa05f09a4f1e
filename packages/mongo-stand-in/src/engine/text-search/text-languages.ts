/**
 * The languages mongod's text indexes know, by name and two-letter code. Only English
 * drops stop words and stems here; the others split and fold words alike but keep every
 * word whole, and `none` is that by definition.
 */
const LANGUAGES: Readonly<Record<string, string>> = {
  none: 'none',
  da: 'danish',
  nl: 'dutch',
  en: 'english',
  fi: 'finnish',
  fr: 'french',
  de: 'german',
  hu: 'hungarian',
  it: 'italian',
  nb: 'norwegian',
  pt: 'portuguese',
  ro: 'romanian',
  ru: 'russian',
  es: 'spanish',
  sv: 'swedish',
  tr: 'turkish',
};
const NAMES = new Set(Object.values(LANGUAGES));

/** The language a name or code stands for, or undefined for one mongod does not know. */
export function textLanguage(name: string): string | undefined {
  const lower = name.toLowerCase();
  return NAMES.has(lower) ? lower : LANGUAGES[lower];
}

/** Whether mongod's text search knows the language. */
export function isTextLanguage(name: string): boolean {
  return textLanguage(name) !== undefined;
}
