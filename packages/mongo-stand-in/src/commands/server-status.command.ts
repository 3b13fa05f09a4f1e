import type { CommandHandler } from '../command-types';
import type { StandInState } from '../stand-in-state';
import { STAND_IN_VERSION } from './build-info.command';

/**
 * `serverStatus`, reduced to what the stand-in really measures: uptime, connections and
 * operation counters. Sections it cannot report honestly (WiredTiger, replication, locks)
 * are absent rather than invented.
 */
export function createServerStatusCommand(state: StandInState): CommandHandler {
  return () => {
    const now = new Date();
    const uptimeMillis = now.getTime() - state.startedAt.getTime();
    return {
      host: `${state.host}:${state.port}`,
      version: STAND_IN_VERSION,
      process: 'docket-stand-in',
      pid: process.pid,
      uptime: Math.floor(uptimeMillis / 1000),
      uptimeMillis,
      uptimeEstimate: Math.floor(uptimeMillis / 1000),
      localTime: now,
      connections: {
        current: state.connections.size,
        available: 1_000_000 - state.connections.size,
        totalCreated: state.totalConnectionsCreated,
      },
      opcounters: { ...state.opcounters },
      storageEngine: { name: 'stand-in', supportsCommittedReads: false, persistent: false },
      mem: {
        bits: 64,
        resident: Math.round(process.memoryUsage().rss / (1024 * 1024)),
        supported: true,
      },
    };
  };
}
