import type { ServerInfo } from './results';

/** A deployment's shape, as far as pickup is concerned (change streams or not). */
export type Topology = ServerInfo['topology'];

/** Both topologies, in report order. */
export const TOPOLOGIES: readonly Topology[] = ['replica set', 'standalone'];

/** One server a scenario measures on, and its topology. */
export interface TopologyServer {
  readonly uri: string;
  readonly topology: Topology;
}

/** The topology a stand-in of the other mode has. */
export function otherTopology(topology: Topology): Topology {
  return topology === 'replica set' ? 'standalone' : 'replica set';
}

/**
 * The servers of one repetition, the order reversing from one repetition to the next (as
 * the systems' order does), so that the drift of a shared machine falls on both alike.
 */
export function serversInOrder<T extends TopologyServer>(
  servers: readonly T[],
  rep: number,
): readonly T[] {
  return rep % 2 === 0 ? servers : [...servers].reverse();
}

/*
 * Case names shared by the scenarios that write them and the targets that read them: the
 * topology ends each, so that a case is found on either topology whatever the run's server.
 */

/** Sparse cross-process pickup: one idle worker, one producer sending a job now and then. */
export function sparseGroup(topology: Topology): string {
  return `sparse, cross-process, ${topology}`;
}

/** Jobs another process schedules a few hundred ms ahead: lateness against the due time. */
export function scheduledGroup(topology: Topology): string {
  return `scheduled ahead, cross-process, ${topology}`;
}

/** Idle worker processes. */
export function idleGroup(processes: number, topology: Topology): string {
  return `${processes} idle processes, ${topology}`;
}

/** A case name's topology, when it ends with one. */
export function topologyOfGroup(group: string): Topology | undefined {
  return TOPOLOGIES.find((topology) => group.endsWith(`, ${topology}`));
}
