import type { Document } from 'bson';
import type { CommandHandler } from '../command-types';
import type { StandInState } from '../stand-in-state';
import { MAX_BSON_OBJECT_SIZE, MAX_MESSAGE_SIZE_BYTES } from '../wire/wire-protocol';

/** `maxWireVersion` of MongoDB 7.0. */
export const MAX_WIRE_VERSION = 21;
/** Largest number of statements in one write command. */
export const MAX_WRITE_BATCH_SIZE = 100_000;
/** Session timeout a standalone mongod advertises (which is what enables sessions in drivers). */
export const LOGICAL_SESSION_TIMEOUT_MINUTES = 30;

/**
 * `hello`, and its legacy names `isMaster` / `ismaster`, answered as a standalone mongod 7.0
 * (no `setName`: drivers neither retry writes nor start transactions on their own) or, in
 * replica-set mode, as the primary of a one-member set (see replica-set-member.ts). `saslSupportedMechs` is
 * omitted as for an unknown user; `compression` is never offered.
 *
 * The awaitable form (`topologyVersion` + `maxAwaitTimeMS`) is delayed by the connection,
 * not here: a handler never waits.
 */
export function createHelloCommand(state: StandInState, legacyName: boolean): CommandHandler {
  return (command, context) => {
    const connection = state.connections.get(context.connectionId);
    if (connection && connection.clientMetadata === undefined && isDocument(command.client)) {
      connection.clientMetadata = command.client;
    }
    return {
      ...(command.helloOk === true ? { helloOk: true } : {}),
      ...(legacyName
        ? { ismaster: state.replicaSet?.isPrimary ?? true }
        : { isWritablePrimary: state.replicaSet?.isPrimary ?? true }),
      topologyVersion: state.topologyVersion(),
      maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
      maxMessageSizeBytes: MAX_MESSAGE_SIZE_BYTES,
      maxWriteBatchSize: MAX_WRITE_BATCH_SIZE,
      localTime: new Date(),
      logicalSessionTimeoutMinutes: LOGICAL_SESSION_TIMEOUT_MINUTES,
      connectionId: context.connectionId,
      minWireVersion: 0,
      maxWireVersion: MAX_WIRE_VERSION,
      readOnly: false,
      ...state.replicaSet?.helloFields(),
    };
  };
}

/**
 * Whether a `hello` asks to be held until the topology changes or `maxAwaitTimeMS` passes
 * (the streaming monitor of drivers): it carries this process's current `topologyVersion`.
 * Returns the wait in milliseconds, or `undefined` to answer at once.
 */
export function awaitableHelloDelay(command: Document, state: StandInState): number | undefined {
  const wait = command.maxAwaitTimeMS;
  const version: unknown = command.topologyVersion;
  if (!isDocument(version) || typeof wait !== 'number' || !(wait >= 0)) return undefined;
  const processId: unknown = version.processId;
  const sameProcess =
    processId !== null &&
    typeof processId === 'object' &&
    String(processId) === state.processId.toHexString();
  const counter: unknown = version.counter;
  const sameCounter = counter !== undefined && String(counter) === state.topologyCounter.toString();
  return sameProcess && sameCounter ? wait : undefined;
}

function isDocument(value: unknown): value is Document {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
