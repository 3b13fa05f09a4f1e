import { isPlainDocument } from './bson-value';
import { DateClass, isArray } from './intrinsics';
import { ownField, setOwnField } from './own-fields';

type Document = Record<string, unknown>;

/** Past this many remembered values of a kind, the oldest generation is forgotten. */
const GENERATION_SIZE = 4_096;
/** Longer strings are mostly unique (ids, tokens, messages): not worth remembering. */
const MAX_SHARED_STRING = 64;
/** The version before a document's first: it shares no field with it. */
const NO_VERSION: Document = Object.freeze({});
/** What {@link SharedValues} answers for a value it keeps as it is. */
const KEEP: unique symbol = Symbol('keep');

/**
 * Makes the documents a collection stores share their equal dates and short strings, as
 * values decoded from BSON never do: every `Date` a client sends is an object of its own
 * (about 110 bytes), and so is every string. Jobs written in batches hold the same instants
 * (`createdAt`, `dueAt` and the first history entry; a claim's `startedAt` for the whole
 * batch) and the same few strings (states, queues, types, server ids), so a collection of
 * them holds a few distinct values, each once.
 *
 * Sharing is safe because nothing mutates a stored value: documents are replaced, never
 * changed in place (see collection-state.ts), and the engine and mingo copy a date before
 * any arithmetic on it. Replacing a value by an equal one of the same type is invisible to
 * every reader, so a document may be shared before its values are.
 *
 * The values remembered are bounded: two generations of at most {@link GENERATION_SIZE}
 * each, the older dropped when the newer fills, so writes in time order keep finding the
 * instants of their batch.
 */
export class SharedValues {
  private dates = new Map<number, Date>();
  private olderDates = new Map<number, Date>();
  private strings = new Map<string, string>();
  private olderStrings = new Map<string, string>();

  /**
   * Replaces, in place, each date and short string of `document` by its shared equal. Given
   * the stored version it replaces (`before`), a top-level field holding the same value as
   * there is skipped: its values were shared when that version was stored.
   */
  shareIn(document: Document, before: Document = NO_VERSION): void {
    for (const key of Object.keys(document)) {
      const value = document[key];
      const kept = typeof value === 'object' && value !== null && value === ownField(before, key);
      if (kept) continue;
      const shared = this.shared(value);
      if (shared !== KEEP) setOwnField(document, key, shared);
    }
  }

  /**
   * The value to store in place of `value`, or KEEP. Equal strings are `===` whatever their
   * copy, so a known string is always stored again: the point is which copy is kept.
   */
  private shared(value: unknown): unknown {
    if (typeof value === 'string') {
      return value.length <= MAX_SHARED_STRING ? this.sharedString(value) : KEEP;
    }
    if (value === null || typeof value !== 'object') return KEEP;
    if (value instanceof DateClass) return this.sharedDate(value);
    if (isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const shared = this.shared(value[i]);
        if (shared !== KEEP) value[i] = shared;
      }
    } else if (isPlainDocument(value)) {
      this.shareIn(value);
    }
    return KEEP;
  }

  private sharedDate(date: Date): Date | typeof KEEP {
    const time = date.getTime();
    const known = this.dates.get(time) ?? this.olderDates.get(time);
    if (known !== undefined) return known === date ? KEEP : known;
    if (this.dates.size >= GENERATION_SIZE) {
      this.olderDates = this.dates;
      this.dates = new Map();
    }
    this.dates.set(time, date);
    return KEEP;
  }

  private sharedString(text: string): string | typeof KEEP {
    const known = this.strings.get(text) ?? this.olderStrings.get(text);
    if (known !== undefined) return known;
    if (this.strings.size >= GENERATION_SIZE) {
      this.olderStrings = this.strings;
      this.strings = new Map();
    }
    this.strings.set(text, text);
    return KEEP;
  }
}
