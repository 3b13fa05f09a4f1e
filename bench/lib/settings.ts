import { JOB_SERVER_DEFAULTS } from '../../src/server/job-server-options';
import type { Topology } from './topology';
import type { AgendaWorkerSettings, DocketWorkerSettings } from '../workers/protocol';

/**
 * How each system is configured, per kind of load. Both get the same concurrency; Agenda is
 * tuned as its maintainers and users advise (its index created, concurrency and lock limits
 * raised from 20/5/unlimited, `processEvery` cut from 5 s to 100 ms); Docket keeps its
 * defaults except for the concurrency.
 */
export interface SystemSettings {
  readonly docket: DocketWorkerSettings;
  readonly agenda: AgendaWorkerSettings;
}

/** Concurrency per process for every scenario that runs jobs. */
export const CONCURRENCY = 50;

/** The settings of throughput runs (drain, backlog, idle, recurring). */
export const THROUGHPUT_SETTINGS: SystemSettings = {
  docket: { server: { concurrency: CONCURRENCY } },
  agenda: {
    processEvery: 100,
    maxConcurrency: CONCURRENCY,
    defaultConcurrency: CONCURRENCY,
    lockLimit: 2 * CONCURRENCY,
    defaultLockLimit: 2 * CONCURRENCY,
    notify: 'none',
  },
};

/** Agenda's notification channel for one pickup case (Docket needs no setting for it). */
export function withAgendaNotify(
  settings: SystemSettings,
  notify: AgendaWorkerSettings['notify'],
): SystemSettings {
  return { docket: settings.docket, agenda: { ...settings.agenda, notify } };
}

/**
 * Agenda's channel across processes: its change-stream channel where the server has change
 * streams, none on a standalone (MongoBackend has no other cross-process channel), where it
 * polls every `processEvery`.
 */
export function crossProcessNotify(topology: Topology): AgendaWorkerSettings['notify'] {
  return topology === 'replica set' ? 'change-stream' : 'none';
}

/** The throughput settings with Agenda's cross-process channel for `topology`. */
export function crossProcessSettings(topology: Topology): SystemSettings {
  return withAgendaNotify(THROUGHPUT_SETTINGS, crossProcessNotify(topology));
}

/** Agenda's defaults, for the report (what `new Agenda()` uses when not told). */
export const AGENDA_DEFAULTS = {
  processEvery: '5 seconds',
  maxConcurrency: 20,
  defaultConcurrency: 5,
  lockLimit: '0 (unlimited)',
  defaultLockLimit: '0 (unlimited)',
  defaultLockLifetime: '10 minutes',
} as const;

/** Docket's defaults that matter here, for the report (read from Docket itself). */
export const DOCKET_DEFAULTS = {
  concurrency: JOB_SERVER_DEFAULTS.concurrency,
  pollIntervalMs: JOB_SERVER_DEFAULTS.pollIntervalMs,
  minPollIntervalMs: JOB_SERVER_DEFAULTS.minPollIntervalMs,
  heartbeatIntervalMs: JOB_SERVER_DEFAULTS.heartbeatIntervalMs,
  recoveryIntervalMs: JOB_SERVER_DEFAULTS.recoveryIntervalMs,
  queueRefreshIntervalMs: JOB_SERVER_DEFAULTS.queueRefreshIntervalMs,
  recurringPollIntervalMs: JOB_SERVER_DEFAULTS.recurringPollIntervalMs,
} as const;
