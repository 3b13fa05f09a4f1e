import { Binary, Long, ObjectId, Timestamp, type Document } from 'bson';

/*
 * In replica-set mode the stand-in answers as the primary of a one-member replica set, so
 * that drivers see what production runs (sessions with cluster time, retryable writes) and
 * connection strings with `replicaSet=` work. One member never elects anyone else: its
 * term and election id stay as its one election left them.
 */

/** The one election of a one-member set: term 1, as `electionId` encodes it. */
const TERM = Long.fromNumber(1);
const ELECTION_ID = new ObjectId('7fffffff0000000000000001');
/** `$clusterTime.signature` of a deployment without keys (no authentication). */
const UNSIGNED = Object.freeze({
  hash: new Binary(Buffer.alloc(20), 0),
  keyId: Long.fromNumber(0),
});

/**
 * The cluster's logical clock as one member keeps it: a Timestamp (seconds, increment) that
 * every write advances, so each write has its own operation time, never behind wall time.
 */
export class ClusterClock {
  private last = new Timestamp({ t: 0, i: 0 });
  private lastWriteAt = new Date(0);

  constructor(private readonly now: () => number = Date.now) {
    this.tick();
  }

  /** The time of the latest write (the member's `lastWrite.opTime.ts`). */
  get lastWrite(): Timestamp {
    return this.last;
  }

  /** Wall time of the latest write (`lastWrite.lastWriteDate`). */
  get lastWriteDate(): Date {
    return this.lastWriteAt;
  }

  /** Advances the clock for a write and returns the write's operation time. */
  tick(): Timestamp {
    const seconds = Math.floor(this.now() / 1000);
    const previous = this.last;
    this.last =
      seconds > previous.high
        ? new Timestamp({ t: seconds, i: 1 })
        : new Timestamp({ t: previous.high, i: previous.low + 1 });
    this.lastWriteAt = new Date(this.now());
    return this.last;
  }

  /** The `$clusterTime` document replies gossip. */
  gossip(): Document {
    return { clusterTime: this.last, signature: UNSIGNED };
  }
}

/** The one member of the set: its name, address and what `hello` says about it. */
export class ReplicaSetMember {
  readonly clock = new ClusterClock();

  constructor(
    readonly setName: string,
    private readonly address: () => string,
  ) {}

  /** `host:port`, as drivers must find it in `hosts`. */
  get host(): string {
    return this.address();
  }

  /** The fields a primary adds to `hello`. */
  helloFields(): Document {
    const opTime = { ts: this.clock.lastWrite, t: TERM };
    return {
      hosts: [this.host],
      setName: this.setName,
      setVersion: 1,
      secondary: false,
      primary: this.host,
      me: this.host,
      electionId: ELECTION_ID,
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
    const opTime = { ts: this.clock.lastWrite, t: TERM };
    return {
      set: this.setName,
      date: new Date(),
      myState: 1,
      term: TERM,
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
          state: 1,
          stateStr: 'PRIMARY',
          uptime: Math.floor((Date.now() - startedAt.getTime()) / 1000),
          optime: opTime,
          optimeDate: this.clock.lastWriteDate,
          electionTime: this.clock.lastWrite,
          electionDate: startedAt,
          configVersion: 1,
          configTerm: 1,
          self: true,
        },
      ],
    };
  }
}
