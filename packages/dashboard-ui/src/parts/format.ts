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

/** "512 B", "1.5 KiB", "12 MiB": a size in bytes, in binary units. */
export function byteSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

/** "Failed" from "failed". */
export const capitalized = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

/** "0", "850 ms", "2.5 s", "4 min", "1.5 h": a wait, short enough for an axis. */
export function shortDuration(ms: number): string {
  if (ms === 0) return '0';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const round = (value: number) =>
    value < 10 ? value.toFixed(1).replace(/\.0$/, '') : Math.round(value);
  if (ms < 60_000) return `${round(ms / 1000)} s`;
  if (ms < 3_600_000) return `${round(ms / 60_000)} min`;
  return `${round(ms / 3_600_000)} h`;
}
