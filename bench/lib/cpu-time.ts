import type { BenchContext } from './bench-context';

/** CPU time (user and system) this process used since `since` (ms). */
export function cpuMsSince(since: NodeJS.CpuUsage): number {
  const { user, system } = process.cpuUsage(since);
  return (user + system) / 1000;
}

/**
 * The CPU time per job this process used since `since` (µs): on the stand-in, which runs in
 * the bench's process, the server's cost of `jobs` jobs; null on another server.
 */
export function standInCpuUsPerJob(
  ctx: Pick<BenchContext, 'server'>,
  since: NodeJS.CpuUsage,
  jobs: number,
): number | null {
  return ctx.server.kind === 'stand-in' ? (1000 * cpuMsSince(since)) / jobs : null;
}
