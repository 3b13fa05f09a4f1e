/** "12 s ago", "in 3 min": how far `iso` is from `now`, rounded to one unit. */
export function ago(iso: string, now: number): string {
  const ms = now - new Date(iso).getTime();
  const s = Math.round(Math.abs(ms) / 1000);
  const text =
    s < 60
      ? `${s} s`
      : s < 3600
        ? `${Math.round(s / 60)} min`
        : s < 86_400
          ? `${Math.round(s / 3600)} h`
          : `${Math.round(s / 86_400)} d`;
  return ms < 0 ? `in ${text}` : `${text} ago`;
}

/** "850 ms", "2.35 s", "41.2 s"; a dash for none. */
export function duration(ms: number | null): string {
  if (ms === null) return '–';
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

/** "Failed" from "failed". */
export const capitalized = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);
