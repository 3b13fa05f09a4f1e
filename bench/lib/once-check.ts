import type { StartRecord } from '../workers/protocol';
import type { OnceCheck } from './results';

/**
 * Checks that every job `seqStart .. seqStart + expected - 1` ran exactly once, from the
 * handler records of every process (kept in memory and collected over IPC, so the check adds
 * no database command to the counts).
 */
export function checkExactlyOnce(
  starts: readonly StartRecord[],
  seqStart: number,
  expected: number,
  where: { system: string; group: string; rep: number; unfinishedInDb: number | null },
): OnceCheck {
  const runs = new Map<number, number>();
  for (const [seq] of starts) runs.set(seq, (runs.get(seq) ?? 0) + 1);
  let ran = 0;
  let duplicates = 0;
  let missing = 0;
  for (let seq = seqStart; seq < seqStart + expected; seq++) {
    const count = runs.get(seq) ?? 0;
    if (count === 0) missing++;
    else {
      ran++;
      duplicates += count - 1;
    }
  }
  // Runs of jobs outside the expected range are duplicates of nothing: count them too.
  for (const [seq, count] of runs) {
    if (seq < seqStart || seq >= seqStart + expected) duplicates += count;
  }
  return {
    ...where,
    expected,
    ran,
    duplicates,
    missing,
    ok: duplicates === 0 && missing === 0 && (where.unfinishedInDb ?? 0) === 0,
  };
}
