import type { GlobalSlots } from './global-slots';
import type { Invocations } from './invocations';
import type { ServerRegistration } from './server-registration';
import { RequestGate } from './time-limit';

/** What a server's heartbeat keeps alive. */
export interface ServerHeartbeatParts {
  /** The running attempts, whose leases it renews. */
  readonly invocations: Pick<Invocations, 'renewLeases'>;
  /** The global concurrency slots held, overrunning invocations' included. */
  readonly globalSlots: Pick<GlobalSlots, 'extend'>;
  /** The server's registry entry. */
  readonly registration: Pick<ServerRegistration, 'refresh'>;
  readonly heartbeatIntervalMs: number;
  readonly report: (error: unknown, context: string) => void;
}

/**
 * A server's heartbeat: renews the leases of running attempts in one round trip (aborting
 * those found lost), extends the global slots held and refreshes the registry entry, each
 * within one heartbeat interval: a hung call is reported, never waited on past it (the lease
 * deadlines do not depend on it), and while two calls of a kind hang no more are sent.
 */
export class ServerHeartbeat {
  /** See `RequestGate`: a heartbeat whose calls hang sends one more of each, no more. */
  private readonly slotExtensions = new RequestGate(2);

  constructor(private readonly parts: ServerHeartbeatParts) {}

  /** One beat; failures are reported, never thrown. */
  async beat(): Promise<void> {
    const { invocations, globalSlots, registration, heartbeatIntervalMs: limit } = this.parts;
    const parts = await Promise.allSettled([
      invocations.renewLeases(),
      this.slotExtensions.send(
        () => globalSlots.extend(),
        limit,
        'extend global concurrency slots',
      ),
      registration.refresh(limit),
    ]);
    for (const part of parts) {
      if (part.status === 'rejected') this.parts.report(part.reason, 'heartbeat failed');
    }
  }
}
