import { Long, ObjectId, Timestamp, type Document } from 'bson';

/*
 * In replica-set mode the stand-in answers as the primary of a one-member replica set, so
 * that drivers see what production runs (sessions with cluster time, retryable writes) and
 * connection strings with `replicaSet=` work. One member never elects anyone else: its
 * term and election id stay as its one election left them.
 */

/** An election id as mongod makes one: a fixed high part, then the term. */
const electionIdOf = (term: number): ObjectId =>
  new ObjectId(`7fffffff${term.toString(16).padStart(16, '0')}`);

/**
 * The cluster's logical clock as one member keeps it: a Timestamp (seconds, increment) that
 * every write advances, so each write has its own operation time, never behind wall time.
 */
export class ClusterClock {
  private last = new Timestamp({ t: 0, i: 0 });
  private lastWriteAtMs = 0;
  private gossiped: Document | undefined;

  constructor(private readonly now: () => number = Date.now) {
    this.tick();
  }

  /** The time of the latest write (the member's `lastWrite.opTime.ts`). */
  get lastWrite(): Timestamp {
    return this.last;
  }

  /** Wall time of the latest write, in epoch milliseconds. */
  get lastWriteMs(): number {
    return this.lastWriteAtMs;
  }

  /** Wall time of the latest write (`lastWrite.lastWriteDate`). */
  get lastWriteDate(): Date {
    return new Date(this.lastWriteAtMs);
  }

  /** Advances the clock for a write and returns the write's operation time. */
  tick(): Timestamp {
    const now = this.now();
    const seconds = Math.floor(now / 1000);
    const previous = this.last;
    this.last =
      seconds > previous.high
        ? new Timestamp({ t: seconds, i: 1 })
        : new Timestamp({ t: previous.high, i: previous.low + 1 });
    this.lastWriteAtMs = now;
    this.gossiped = undefined;
    return this.last;
  }

  /**
   * The `$clusterTime` document replies gossip, one per tick (replies between two writes
   * share it). It has no `signature`: the stand-in has no keys to sign with. mongod without
   * authentication sends a zeroed one, which drivers decode and echo on every command
   * without checking it; leaving it out spares both sides that work.
   */
  gossip(): Document {
    return (this.gossiped ??= Object.freeze({ clusterTime: this.last }));
  }
}

/**
 * The one member of the set: its name, address and what `hello` says about it. It is the
 * primary except for a while after a step-down (`replSetStepDown`), after which, being the
 * only electable member, it wins the next election (a new term and election id).
 */
export class ReplicaSetMember {
  readonly clock = new ClusterClock();
  private term = 1;
  private steppedDownUntil: number | undefined;
  private reelection: NodeJS.Timeout | undefined;
  private readonly listeners = new Set<(primary: boolean) => void>();

  constructor(
    readonly setName: string,
    private readonly address: () => string,
    private readonly now: () => number = Date.now,
  ) {}

  /** The operation time of the latest write. */
  get latestWrite(): Timestamp {
    return this.clock.lastWrite;
  }

  /** Whether the member is the primary now (it is, unless stepped down). */
  get isPrimary(): boolean {
    return this.steppedDownUntil === undefined;
  }

  /** Hears every change of the member's state: true when it becomes primary again. */
  onStateChange(listener: (primary: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Steps down for `seconds`: a secondary meanwhile (writes and primary reads are refused,
   * see command-refusals.ts), then primary again in the next term. Listeners hear both.
   */
  stepDown(seconds: number): void {
    if (this.reelection) clearTimeout(this.reelection);
    this.steppedDownUntil = this.now() + seconds * 1000;
    this.reelection = setTimeout(() => this.winElection(), seconds * 1000);
    this.reelection.unref();
    this.emit(false);
  }

  /** Stops the pending re-election (the server is stopping). */
  dispose(): void {
    if (this.reelection) clearTimeout(this.reelection);
    this.reelection = undefined;
  }

  private winElection(): void {
    this.reelection = undefined;
    this.steppedDownUntil = undefined;
    this.term += 1;
    this.emit(true);
  }

  private emit(primary: boolean): void {
    for (const listener of [...this.listeners]) listener(primary);
  }

  /** `host:port`, as drivers must find it in `hosts`. */
  get host(): string {
    return this.address();
  }

  /** The fields a primary adds to `hello`. */
  helloFields(): Document {
    const opTime = { ts: this.clock.lastWrite, t: Long.fromNumber(this.term) };
    const role = this.isPrimary
      ? { secondary: false, primary: this.host, electionId: electionIdOf(this.term) }
      : { secondary: true };
    return {
      hosts: [this.host],
      setName: this.setName,
      setVersion: 1,
      ...role,
      me: this.host,
      lastWrite: {
        opTime,
        lastWriteDate: this.clock.lastWriteDate,
        majorityOpTime: opTime,
        majorityWriteDate: this.clock.lastWriteDate,
      },
    };
  }

  /** `replSetGetStatus`: one healthy primary. */
  status(startedAt: Date): Document {
    const term = Long.fromNumber(this.term);
    const opTime = { ts: this.clock.lastWrite, t: term };
    const state = this.isPrimary ? 1 : 2;
    return {
      set: this.setName,
      date: new Date(),
      myState: state,
      term,
      heartbeatIntervalMillis: Long.fromNumber(2000),
      majorityVoteCount: 1,
      writeMajorityCount: 1,
      votingMembersCount: 1,
      writableVotingMembersCount: 1,
      optimes: {
        lastCommittedOpTime: opTime,
        appliedOpTime: opTime,
        durableOpTime: opTime,
        lastAppliedWallTime: this.clock.lastWriteDate,
        lastDurableWallTime: this.clock.lastWriteDate,
      },
      members: [
        {
          _id: 0,
          name: this.host,
          health: 1,
          state,
          stateStr: this.isPrimary ? 'PRIMARY' : 'SECONDARY',
          uptime: Math.floor((Date.now() - startedAt.getTime()) / 1000),
          optime: opTime,
          optimeDate: this.clock.lastWriteDate,
          electionTime: this.clock.lastWrite,
          electionDate: startedAt,
          configVersion: 1,
          configTerm: this.term,
          self: true,
        },
      ],
    };
  }
}
