import type { ClaimLane } from '../job-store';

/** The most batches' worth of candidates one claim reads. */
const MAX_WINDOW_BATCHES = 4;

/**
 * How many due jobs to read for a claim of `limit`: as many for a server that knows of no
 * other (a server that meets one it did not know of claims fewer, and then learns the
 * lanes), and with lanes one batch more than the lanes (up to four batches), so that the
 * window holds a batch of this server's own lane even when the others lag behind theirs.
 */
export function candidateWindow(limit: number, lane: ClaimLane | undefined): number {
  const batches = lane && lane.count > 1 ? Math.min(lane.count + 1, MAX_WINDOW_BATCHES) : 1;
  return limit * batches;
}

/**
 * Chooses up to `limit` of the claim candidates (read in claim order: priority, then due
 * time), keeping priority order: runs of equal priority that fit are taken whole. In the run
 * the batch ends in, servers claiming at the same moment must not take the same jobs:
 * without lanes the run is shuffled, so that they spread over it; with lanes, this server
 * takes its own lane's jobs, in due order, and tops them up with other lanes' jobs from the
 * end of the run (see `laneFirst`): when its lane ran ahead of the others, or their servers
 * are gone or slow, it takes their work without meeting them.
 */
export function pickCandidates<T extends { _id: string; priority: number }>(
  candidates: readonly T[],
  limit: number,
  lane: ClaimLane | undefined,
): T[] {
  const picked: T[] = [];
  for (const run of priorityRuns(candidates)) {
    const wanted = limit - picked.length;
    if (run.length <= wanted) {
      picked.push(...shuffled(run));
      continue;
    }
    picked.push(...(lane && lane.count > 1 ? laneFirst(run, wanted, lane) : shuffled(run)));
    break;
  }
  return picked.slice(0, limit);
}

/**
 * The run's jobs of the own lane, then, if they are fewer than `wanted`, the others from the
 * end of the run: their servers take their own from its start. In a window of one batch more
 * than the lanes, another server's lane then still holds its batch before the jobs taken from
 * its end, so servers reading the same window never take the same job, and a server whose
 * lane ran ahead of the others' claims full batches instead of short ones.
 */
function laneFirst<T extends { _id: string }>(run: readonly T[], wanted: number, lane: ClaimLane) {
  const mine: T[] = [];
  const others: T[] = [];
  for (const job of run) (laneOf(job._id, lane.count) === lane.index ? mine : others).push(job);
  return mine.length < wanted ? [...mine, ...others.reverse()] : mine;
}

/** The lane a job id belongs to among `count` (FNV-1a of the id: ids of any shape spread). */
export function laneOf(id: string, count: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % count;
}

/** Consecutive runs of equal priority. */
function priorityRuns<T extends { priority: number }>(candidates: readonly T[]): T[][] {
  const runs: T[][] = [];
  for (const job of candidates) {
    const run = runs.at(-1);
    if (run && run[0].priority === job.priority) run.push(job);
    else runs.push([job]);
  }
  return runs;
}

/** A copy in random order (Fisher–Yates). */
function shuffled<T>(items: readonly T[]): T[] {
  const result = [...items];
  for (let i = result.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [result[i], result[j]] = [result[j], result[i]];
  }
  return result;
}
