/**
 * The most starts any window of `intervalMs` holds: windows `[t, t + intervalMs)`, the
 * guarantee's shape (a window starting at each start is enough to find the fullest).
 */
export function maxStartsInAnyWindow(starts: readonly Date[], intervalMs: number): number {
  const times = starts.map((start) => start.getTime()).sort((a, b) => a - b);
  let most = 0;
  let end = 0;
  for (let begin = 0; begin < times.length; begin++) {
    while (end < times.length && times[end] < times[begin] + intervalMs) end++;
    most = Math.max(most, end - begin);
  }
  return most;
}
