/** A time span, in ms since the epoch. */
export type Span = readonly [from: number, to: number];

/** The most spans that overlap at one instant (a span ending when another starts does not). */
export function maxConcurrent(spans: readonly Span[]): number {
  const events: Array<[number, number]> = [];
  for (const [from, to] of spans) {
    if (to <= from) continue;
    events.push([from, 1], [to, -1]);
  }
  // At equal times, ends first.
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let running = 0;
  let max = 0;
  for (const [, delta] of events) {
    running += delta;
    max = Math.max(max, running);
  }
  return max;
}

/** The highest {@link maxConcurrent} among groups of items. */
export function maxConcurrentPerGroup<T>(
  items: readonly T[],
  groupOf: (item: T) => string,
  spansOf: (item: T) => readonly Span[],
): number {
  const groups = new Map<string, Span[]>();
  for (const item of items) {
    const spans = groups.get(groupOf(item)) ?? [];
    spans.push(...spansOf(item));
    groups.set(groupOf(item), spans);
  }
  return Math.max(0, ...[...groups.values()].map(maxConcurrent));
}

/** `span` without the parts covered by `holes`. */
export function subtract(span: Span, holes: readonly Span[]): Span[] {
  let pieces: Span[] = [span];
  for (const [holeFrom, holeTo] of holes) {
    pieces = pieces.flatMap(([from, to]): Span[] => {
      if (holeTo <= from || holeFrom >= to) return [[from, to]];
      const kept: Span[] = [];
      if (holeFrom > from) kept.push([from, holeFrom]);
      if (holeTo < to) kept.push([holeTo, to]);
      return kept;
    });
  }
  return pieces;
}
