import type { JobServerOptions } from '../../../src';
import type { WorkerProcess } from '../../helpers/worker-processes';
import { Findings } from '../report/scenario-result';
import { REPORT_TAGS, type PausedTry, type WorkerAssignment } from '../workers/fault-jobs';
import type { FaultLog } from './fault-log';
import type { WorkerPool } from './worker-pool';

/** What a scenario may set of a worker's assignment. */
export type WorkerSettings = Partial<
  Pick<WorkerAssignment, 'clockSkewMs' | 'handlers' | 'retryStart'>
>;

/** One worker process of a fleet. */
export interface FleetMember {
  /** Its worker id (and the id of its server's first start). */
  readonly id: string;
  readonly pid: number;
  readonly process: WorkerProcess;
  state: 'running' | 'paused' | 'ending' | 'exited';
  /** How the suite ended it, if it did. */
  endedBy: 'SIGKILL' | 'SIGTERM' | null;
  /** Tries of transactions it reported in their pause before the commit, by id. */
  readonly pausing: Map<string, PausedTry>;
}

/** What a fleet's workers share. */
export interface FleetOptions {
  readonly pool: WorkerPool;
  readonly dbName: string;
  /** Where Docket connects (the server, or a fault proxy). */
  readonly uri: string;
  readonly server: JobServerOptions;
  readonly worker?: WorkerSettings;
  readonly faults: FaultLog;
}

/** What the workers reported on stdout. */
export interface FleetReports {
  typedErrors: number;
  /** Typed error events by `<name> (<context>)`, with the first message of each. */
  readonly typedByKind: Map<string, { count: number; example: string }>;
  untypedErrors: number;
  unhandled: number;
  startFailures: number;
  /** Workers that exited without being told to (code or signal). */
  unexpectedExits: number;
  /** Graceful stops that did not end with exit code 0. */
  failedStops: number;
  /** Workers still there `graceMs` after SIGTERM (then killed): a stop that hung. */
  hungStops: number;
  readonly findings: Findings;
}

/**
 * The worker processes of one scenario, started through the project's helper from the
 * transpiled fault worker: it kills, pauses and stops them, logs each of those faults, and
 * collects what the workers report (Docket errors, unhandled rejections, failed starts, and
 * the tries of transactions in their pause).
 */
export class Fleet {
  readonly members: FleetMember[] = [];
  readonly reports: FleetReports = {
    typedErrors: 0,
    typedByKind: new Map(),
    untypedErrors: 0,
    unhandled: 0,
    startFailures: 0,
    unexpectedExits: 0,
    failedStops: 0,
    hungStops: 0,
    findings: new Findings(),
  };
  private started = 0;

  constructor(private readonly options: FleetOptions) {}

  /** The id the next {@link start} with `prefix` takes (its first server id, its appName). */
  nextId(prefix = 'w'): string {
    return `${prefix}${this.started + 1}`;
  }

  /** Starts a worker (`<prefix><n>`) from the pool; resolves once its server runs. */
  async start(
    prefix = 'w',
    overrides: { uri?: string; worker?: WorkerSettings; server?: JobServerOptions } = {},
  ): Promise<FleetMember> {
    const id = `${prefix}${++this.started}`;
    const { pool, dbName, uri, server, worker } = this.options;
    const child = await pool.take({
      serverId: id,
      dbName,
      uri: overrides.uri ?? uri,
      server: { ...server, ...overrides.server },
      clockSkewMs: 0,
      handlers: ['work'],
      retryStart: false,
      ...worker,
      ...overrides.worker,
    });
    const member: FleetMember = {
      id,
      pid: child.child.pid!,
      process: child,
      state: 'running',
      endedBy: null,
      pausing: new Map(),
    };
    this.members.push(member);
    this.watch(member);
    return member;
  }

  /** Workers that run (not paused, killed or stopped). */
  running(): FleetMember[] {
    return this.members.filter((m) => m.state === 'running');
  }

  kill(member: FleetMember): Promise<number | string> {
    if (member.state === 'exited') return member.process.exited;
    member.state = 'ending';
    member.endedBy = 'SIGKILL';
    this.options.faults.add({
      kind: 'killed',
      pid: member.pid,
      from: Date.now(),
      to: Infinity,
      what: `SIGKILL ${member.id}`,
    });
    this.options.faults.ended(member.pid);
    return member.process.stop('SIGKILL');
  }

  /** SIGSTOP, then SIGCONT after `ms`. */
  async pause(member: FleetMember, ms: number): Promise<void> {
    member.state = 'paused';
    const close = this.options.faults.open('paused', member.pid, `SIGSTOP ${member.id} ${ms} ms`);
    member.process.child.kill('SIGSTOP');
    await new Promise((resolve) => setTimeout(resolve, ms));
    member.process.child.kill('SIGCONT');
    close();
    if (member.state === 'paused') member.state = 'running';
  }

  /**
   * SIGTERM (a graceful stop); resolves with the exit code once the process is gone. A worker
   * still there after `graceMs` has hung: it is killed, and counted.
   */
  async stop(member: FleetMember, graceMs = 20_000): Promise<number | string> {
    if (member.state === 'ending' || member.state === 'exited') return member.process.exited;
    member.state = 'ending';
    member.endedBy = 'SIGTERM';
    member.process.child.kill('SIGCONT');
    const close = this.options.faults.open('stopped', member.pid, `SIGTERM ${member.id}`);
    const timer = setTimeout(() => {
      this.reports.hungStops++;
      this.reports.findings.add('a worker did not stop within the grace period', member.id);
      member.process.child.kill('SIGKILL');
    }, graceMs);
    const code = await member.process.stop('SIGTERM');
    clearTimeout(timer);
    close();
    if (code !== 0) {
      this.reports.failedStops++;
      this.reports.findings.add('a graceful stop did not exit with 0', `${member.id}: ${code}`);
    }
    return code;
  }

  /** Stops every worker gracefully, in parallel. */
  async stopAll(): Promise<void> {
    await Promise.all(
      this.members
        .filter((m) => m.state === 'running' || m.state === 'paused')
        .map((member) => this.stop(member)),
    );
  }

  /** Kills every worker still there (cleanup after a scenario that failed). */
  async killAll(): Promise<void> {
    await Promise.all(
      this.members
        .filter((m) => m.state !== 'exited')
        .map((m) => {
          m.endedBy ??= 'SIGKILL';
          m.process.child.kill('SIGCONT');
          return m.process.stop('SIGKILL');
        }),
    );
  }

  private watch(member: FleetMember): void {
    const { reports } = this;
    let buffered = '';
    member.process.child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        this.onLine(member, buffered.slice(0, newline));
        buffered = buffered.slice(newline + 1);
      }
    });
    void member.process.exited.then((code) => {
      const expected = member.endedBy !== null;
      this.options.faults.ended(member.pid);
      member.state = 'exited';
      // 70: the worker's uncaught-exception handler, which reported it already.
      if (!expected && code !== 70) {
        reports.unexpectedExits++;
        reports.findings.add('a worker exited on its own', `${member.id}: ${code}`);
      }
    });
  }

  private onLine(member: FleetMember, line: string): void {
    const space = line.indexOf(' ');
    const tag = line.slice(0, space);
    if (!(Object.values(REPORT_TAGS) as string[]).includes(tag)) return;
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(line.slice(space + 1)) as Record<string, unknown>;
    } catch {
      return;
    }
    const { reports } = this;
    const summary = `${member.id}: ${String(body.name)}: ${String(body.message)}${body.context ? ` (${String(body.context)})` : ''}`;
    switch (tag) {
      case REPORT_TAGS.error:
        if (body.typed === true) {
          reports.typedErrors++;
          const kind = `${String(body.name)} (${String(body.context).replace(/ \((server|job) [^)]*\)$/, '')})`;
          const entry = reports.typedByKind.get(kind) ?? {
            count: 0,
            example: String(body.message),
          };
          entry.count++;
          reports.typedByKind.set(kind, entry);
        } else {
          reports.untypedErrors++;
          reports.findings.add('untyped error event', summary);
        }
        return;
      case REPORT_TAGS.unhandled:
        reports.unhandled++;
        reports.findings.add(String(body.kind), summary);
        return;
      case REPORT_TAGS.stall: {
        const from = Number(body.from);
        const to = Number(body.to);
        this.options.faults.add({
          kind: 'stalled',
          pid: member.pid,
          from,
          to,
          what: `${member.id} did not run for ${to - from} ms`,
        });
        return;
      }
      case REPORT_TAGS.pausing: {
        const paused = body as unknown as PausedTry;
        const now = Date.now();
        for (const [id, { until }] of member.pausing) if (until <= now) member.pausing.delete(id);
        member.pausing.set(paused.id, paused);
        return;
      }
      case REPORT_TAGS.startFailed:
        reports.startFailures++;
        if (body.typed !== true) {
          reports.untypedErrors++;
          reports.findings.add('untyped start failure', summary);
        }
        return;
    }
  }
}
