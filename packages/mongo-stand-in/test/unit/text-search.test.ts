/**
 * How the stand-in cuts texts into index terms and scores `$text` queries, without a server:
 * the rules the driver-level tests rely on, one at a time.
 */
import { compileTextQuery } from '../../src/engine/text-search/text-query';
import { DEFAULT_FOLDING, splitWords, textTerms } from '../../src/engine/text-search/text-tokens';
import { normaliseIndexSpec } from '../../src/engine/index-spec';

const INDEX = normaliseIndexSpec({ key: { title: 'text', tags: 'text' }, name: 'search' });

describe('text index specs', () => {
  it('keeps a spec already in stored form as it is (a transaction commit re-creates it)', () => {
    const stored = normaliseIndexSpec({
      key: { shop: 1, title: 'text', body: 'text' },
      name: 'search',
      weights: { body: 2 },
      default_language: 'french',
    });
    expect(stored).toEqual({
      v: 2,
      key: { shop: 1, _fts: 'text', _ftsx: 1 },
      name: 'search',
      weights: { body: 2, title: 1 },
      default_language: 'french',
      language_override: 'language',
      textIndexVersion: 3,
    });
    expect(normaliseIndexSpec({ ...stored })).toEqual(stored);
  });

  it('refuses text fields split by another field', () => {
    expect(() =>
      normaliseIndexSpec({ key: { title: 'text', shop: 1, body: 'text' }, name: 'x' }),
    ).toThrow(expect.objectContaining({ code: 67 }));
  });
});

describe('text terms', () => {
  it('splits on whitespace and punctuation, folds case and diacritics', () => {
    expect(splitWords('Crème-brûlée, the CAFÉ’s best!', DEFAULT_FOLDING)).toEqual([
      'creme',
      'brulee',
      'the',
      'cafe',
      's',
      'best',
    ]);
  });

  it('drops English stop words and stems what is left', () => {
    expect(
      textTerms('The runners were running to their shops', 'english', DEFAULT_FOLDING),
    ).toEqual(['runner', 'run', 'shop']);
  });

  it('keeps words whole in other languages', () => {
    expect(textTerms('Les cafés', 'french', DEFAULT_FOLDING)).toEqual(['les', 'cafes']);
  });
});

describe('$text scores', () => {
  const score = (search: string, document: Record<string, unknown>) =>
    compileTextQuery({ $search: search }, INDEX)(document);

  it('is 0 without a term, with a negated term, or without a phrase', () => {
    expect(score('garden', { title: 'kitchen tools' })).toBe(0);
    expect(score('tools -kitchen', { title: 'kitchen tools' })).toBe(0);
    expect(score('"tools kitchen"', { title: 'kitchen tools' })).toBe(0);
    expect(score('"kitchen tools"', { title: 'kitchen tools' })).toBeGreaterThan(0);
  });

  it('weighs each occurrence half the one before, scaled by the share of the field', () => {
    // 1 × (0.5 × 1/2 + 0.5), then (1 + 1/2) × (0.5 × 2/2 + 0.5)
    expect(score('garden', { title: 'garden shed', tags: ['x'] })).toBeCloseTo(0.75);
    expect(score('garden', { title: 'garden garden', tags: ['x'] })).toBeCloseTo(1.5);
  });

  it('reads the strings of array fields', () => {
    expect(score('garden', { tags: ['garden', 'tools'] })).toBeGreaterThan(0);
  });

  it('gives a field that is exactly the term a bonus', () => {
    expect(score('garden', { title: 'garden' })).toBeCloseTo(1.1);
  });

  it('refuses an unknown option or language', () => {
    expect(() => compileTextQuery({ $search: 'a', $foo: 1 }, INDEX)).toThrow(
      expect.objectContaining({ code: 2 }),
    );
    expect(() => compileTextQuery({ $search: 'a', $language: 'klingon' }, INDEX)).toThrow(
      expect.objectContaining({ code: 17262 }),
    );
  });
});
