import type { Socket } from 'node:net';
import type { Document } from 'bson';
import {
  AwaitDataWait,
  awaitDataHold,
  type AwaitDataHold,
  type PendingWait,
} from './await-data-wait';
import type { CommandContext } from './command-types';
import { commandNameOf, type CommandRouter } from './command-router';
import type { StandInStore } from './engine/stand-in-store';
import { sessionKeyOf } from './engine/session-key';
import { failCommandReply, type FailCommandAction } from './fail-points';
import { awaitableHelloDelay } from './commands/hello.command';
import { ErrorCodes, codeNameOf } from './error-codes';
import type { ConnectionInfo, StandInState } from './stand-in-state';
import {
  MessageFramer,
  OpCode,
  WireProtocolError,
  decodeRequest,
  encodeOpMsgReply,
  encodeOpReply,
  readHeader,
  type MessageHeader,
  type WireRequest,
} from './wire';

/** What a connection shares with the server that accepted it. */
export interface ConnectionServices {
  readonly router: CommandRouter;
  readonly state: StandInState;
  readonly store: StandInStore;
  /** Gives each reply a request id unique within the server. */
  nextRequestId(): number;
}

/** Sends one reply; `moreToCome` marks a reply of an exhaust stream. */
type Respond = (reply: Document, moreToCome: boolean) => void;

/**
 * Requests a connection holds, undecoded, while an earlier one waits (an awaitable `hello`,
 * an awaitData getMore, a blocking fail point): past this, it stops reading its socket until
 * they are answered, so that a client pipelining behind a wait is held back by TCP rather
 * than by our memory.
 */
const MAX_QUEUED_REQUEST_BYTES = 16 * 1024 * 1024;

/** Commands an OP_QUERY may still carry (MongoDB ≥ 5.1 accepts only the handshake). */
const OP_QUERY_COMMANDS = new Set(['hello', 'isMaster', 'ismaster']);

/**
 * One client connection: frames its bytes into messages and answers them strictly in
 * order. A message is normally decoded, executed and answered synchronously within the
 * `data` event that completed it, so no other command runs in between. Only three things
 * defer a message, and then every later message of the connection waits behind it: the
 * awaitable `hello` of driver monitors (held for `maxAwaitTimeMS` or until the member's
 * state changes, then streamed again and again when the client allows exhaust), a getMore on an awaitData cursor that has
 * nothing yet (held until a write gives it something, or its `maxTimeMS` passes), and a
 * `failCommand` fail point with `blockConnection`. Other connections go on meanwhile.
 *
 * Back-pressure: while the socket has replies the client has not read (`write` returned
 * false) or too many requests are queued, the connection stops reading and answering until
 * they drain, so a client that does not read, or floods a waiting connection, costs a
 * bounded amount of memory.
 */
export class StandInConnection {
  private readonly framer = new MessageFramer();
  private readonly queue: Buffer[] = [];
  private queuedBytes = 0;
  /** Replies wait in the socket for the client to read them ('drain' not yet emitted). */
  private repliesPending = false;
  /** What the connection waits for before answering its next message, if anything. */
  private pending: PendingWait | undefined;
  private closed = false;

  constructor(
    private readonly socket: Socket,
    private readonly info: ConnectionInfo,
    private readonly services: ConnectionServices,
    private readonly onClosed: (connection: StandInConnection) => void,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    // A reset by the peer is an ordinary end of connection here; 'close' follows it.
    socket.on('error', () => undefined);
    socket.on('close', () => this.dispose());
    socket.on('drain', () => {
      this.repliesPending = false;
      this.drain();
    });
  }

  get id(): number {
    return this.info.id;
  }

  /** Bytes held for this client: queued requests and replies it has not read yet. */
  get backlogBytes(): number {
    return this.queuedBytes + this.socket.writableLength;
  }

  /** Whether the connection has stopped reading its socket until its backlog drains. */
  get readingPaused(): boolean {
    return this.socket.isPaused();
  }

  /**
   * The member stepped down or became primary: an awaitable `hello` waiting here answers at
   * once, as mongod answers them, so that the client's monitor learns the new state now.
   */
  topologyChanged(): void {
    this.pending?.topologyChanged?.();
  }

  /** Closes the connection at once, dropping queued messages. */
  destroy(): void {
    this.dispose();
    this.socket.destroy();
  }

  private receive(chunk: Buffer): void {
    if (this.closed) return;
    try {
      for (const message of this.framer.push(chunk)) {
        this.queue.push(message);
        this.queuedBytes += message.length;
      }
    } catch {
      // A bad length prefix leaves no way to find the next message: mongod hangs up too.
      this.destroy();
      return;
    }
    this.drain();
  }

  private drain(): void {
    while (
      !this.closed &&
      this.pending === undefined &&
      !this.repliesPending &&
      this.queue.length > 0
    ) {
      const message = this.queue.shift() as Buffer;
      this.queuedBytes -= message.length;
      try {
        this.process(message);
      } catch (error) {
        // A bug of the stand-in itself: never let it take the process down with it.
        process.stderr.write(
          `docket stand-in: closing connection ${this.id} after an internal error: ${String(error)}\n`,
        );
        this.destroy();
      }
    }
    this.adjustReading();
  }

  /** Reads the socket only while nothing is piling up for this client. */
  private adjustReading(): void {
    if (this.closed) return;
    const hold = this.repliesPending || this.queuedBytes > MAX_QUEUED_REQUEST_BYTES;
    if (hold && !this.socket.isPaused()) this.socket.pause();
    else if (!hold && this.socket.isPaused()) this.socket.resume();
  }

  private process(message: Buffer): void {
    const header = readHeader(message);
    let request: WireRequest;
    try {
      request = decodeRequest(message, header);
    } catch (error) {
      if (error instanceof WireProtocolError && !error.fatal) {
        this.replyToUndecodable(header, error);
      } else {
        this.destroy();
      }
      return;
    }
    if (request.kind === 'query') {
      this.processQuery(request.header, request.fullCollectionName, request.query);
    } else {
      this.processMsg(request.header, request.body, request.moreToCome, request.exhaustAllowed);
    }
  }

  private processMsg(
    header: MessageHeader,
    body: Document,
    moreToCome: boolean,
    exhaustAllowed: boolean,
  ): void {
    let previousReplyId = header.requestId;
    const respond: Respond = (reply, streamMore) => {
      if (moreToCome && !streamMore) return;
      const requestId = this.services.nextRequestId();
      const address = { requestId, responseTo: previousReplyId };
      this.write(encodeReply(reply, (document) => encodeOpMsgReply(document, address, streamMore)));
      previousReplyId = requestId;
    };
    const dbName = body.$db;
    if (typeof dbName !== 'string' || dbName === '') {
      respond(errorReply(40571, 'Location40571', 'OP_MSG requests require a $db argument'), false);
      return;
    }
    this.dispatch(body, dbName, respond, exhaustAllowed && !moreToCome);
  }

  private processQuery(header: MessageHeader, fullCollectionName: string, query: Document): void {
    const respond: Respond = (reply) => {
      const address = { requestId: this.services.nextRequestId(), responseTo: header.requestId };
      this.write(encodeReply(reply, (document) => encodeOpReply(document, address)));
    };
    const name = commandNameOf(query);
    if (!fullCollectionName.endsWith('.$cmd') || !OP_QUERY_COMMANDS.has(name)) {
      respond(
        errorReply(
          ErrorCodes.UnsupportedOpQueryCommand,
          'UnsupportedOpQueryCommand',
          `Unsupported OP_QUERY command: ${name}. The client driver may require an upgrade. ` +
            'For more details see https://dochub.mongodb.org/core/legacy-opcode-removal',
        ),
        false,
      );
      return;
    }
    this.dispatch(query, fullCollectionName.slice(0, -'.$cmd'.length), respond, false);
  }

  /** Applies fail points and awaitable `hello`, then runs the command and responds. */
  private dispatch(
    command: Document,
    dbName: string,
    respond: Respond,
    exhaustAllowed: boolean,
  ): void {
    const { state } = this.services;
    const name = commandNameOf(command);
    const action = this.services.router.has(name)
      ? state.failPoints.match({
          commandName: name,
          namespace: commandNamespace(command, name, dbName),
          appName: appNameOf(this.info.clientMetadata),
        })
      : undefined;
    if (action?.closeConnection) {
      this.destroy();
      return;
    }
    if (action !== undefined && action.blockTimeMS > 0) {
      this.defer(action.blockTimeMS, () => this.execute(command, dbName, respond, action));
      return;
    }
    const wait =
      name === 'hello' || name === 'isMaster' || name === 'ismaster'
        ? awaitableHelloDelay(command, state)
        : undefined;
    if (wait !== undefined) {
      this.deferHello(wait, () => this.streamHello(command, dbName, respond, wait, exhaustAllowed));
      return;
    }
    const hold =
      name === 'getMore' && action?.errorCode === undefined
        ? awaitDataHold(command, dbName, this.services.store)
        : undefined;
    if (hold !== undefined) {
      this.awaitData(hold, () => this.execute(command, dbName, respond, action));
      return;
    }
    this.execute(command, dbName, respond, action);
  }

  private execute(
    command: Document,
    dbName: string,
    respond: Respond,
    action: FailCommandAction | undefined,
  ): void {
    const { router, state } = this.services;
    if (action?.errorCode !== undefined) {
      respond(router.finish(command, failCommandReply(action, action.errorCode)), false);
      return;
    }
    const transactional = router.isRetryableWrite(command)
      ? state.failPoints.matchTransactionalWrite()
      : undefined;
    const failBefore = transactional?.failBeforeCommitExceptionCode;
    if (failBefore !== undefined) {
      if (transactional?.closeConnection) this.destroy();
      else respond(router.finish(command, failedBeforeCommit(failBefore)), false);
      return;
    }
    const reply = router.execute(command, this.context(dbName, command));
    // The write is applied, and its reply lost with the connection.
    if (transactional?.closeConnection) {
      this.destroy();
      return;
    }
    const wce = action?.writeConcernError;
    if (wce === undefined || reply.ok !== 1) {
      respond(reply, false);
      return;
    }
    // The fail point's labels, when it names some, replace those mongod would give.
    const labels = action?.errorLabels;
    const failed = { ...reply, writeConcernError: wce };
    respond(
      router.finish(command, labels ? { ...failed, errorLabels: [...labels] } : failed),
      false,
    );
  }

  /**
   * Answers an awaitable `hello` whose wait is over. With exhaust allowed the reply says
   * `moreToCome` and the next one follows after another wait, without a request, as
   * mongod streams topology updates: drivers' monitors treat a reply without
   * `moreToCome` as the server breaking the stream, and reset the pool.
   */
  private streamHello(
    command: Document,
    dbName: string,
    respond: Respond,
    wait: number,
    exhaust: boolean,
  ): void {
    const reply = this.services.router.execute(command, this.context(dbName, command));
    const more = exhaust && reply.ok === 1;
    respond(reply, more);
    if (more) {
      this.deferHello(wait, () => this.streamHello(command, dbName, respond, wait, exhaust));
    }
  }

  private defer(ms: number, action: () => void): void {
    const timer = setTimeout(() => this.resume(action), ms);
    timer.unref();
    this.pending = { cancel: () => clearTimeout(timer) };
  }

  /** Holds an awaitable `hello` for `ms`, or until the topology changes. */
  private deferHello(ms: number, action: () => void): void {
    const timer = setTimeout(() => this.resume(action), ms);
    timer.unref();
    this.pending = {
      cancel: () => clearTimeout(timer),
      topologyChanged: () => {
        clearTimeout(timer);
        this.resume(action);
      },
    };
  }

  /** Holds an awaitData getMore until its cursor has something to answer or its time is up. */
  private awaitData(hold: AwaitDataHold, action: () => void): void {
    this.pending = new AwaitDataWait(hold, this.services.store, () => this.resume(action));
  }

  private resume(action: () => void): void {
    this.pending = undefined;
    if (this.closed) return;
    action();
    this.drain();
  }

  private replyToUndecodable(header: MessageHeader, error: WireProtocolError): void {
    const reply = errorReply(error.code, error.codeName, error.message);
    const address = { requestId: this.services.nextRequestId(), responseTo: header.requestId };
    this.write(
      header.opCode === OpCode.query
        ? encodeOpReply(reply, address)
        : encodeOpMsgReply(reply, address),
    );
  }

  private context(dbName: string, command: Document): CommandContext {
    const { store } = this.services;
    const sessionKey = sessionKeyOf(command.lsid);
    // Any command of a session keeps the session, and so its cursors, alive.
    if (sessionKey !== undefined) store.cursors?.touchSession(sessionKey);
    return { dbName, store, connectionId: this.info.id, sessionKey };
  }

  private write(bytes: Buffer): void {
    if (this.closed || !this.socket.writable) return;
    if (!this.socket.write(bytes)) this.repliesPending = true;
  }

  private dispose(): void {
    if (this.closed) return;
    this.closed = true;
    this.queue.length = 0;
    this.queuedBytes = 0;
    this.pending?.cancel();
    this.pending = undefined;
    this.onClosed(this);
  }
}

/** Encodes a reply, or an error reply when the reply itself cannot be serialised. */
function encodeReply(reply: Document, encode: (document: Document) => Buffer): Buffer {
  try {
    return encode(reply);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return encode(
      errorReply(
        ErrorCodes.InternalError,
        'InternalError',
        `cannot serialise the reply: ${message}`,
      ),
    );
  }
}

function errorReply(code: number, codeName: string, errmsg: string): Document {
  return { ok: 0, errmsg, code, codeName };
}

function appNameOf(metadata: Document | undefined): string | undefined {
  const application: unknown = metadata?.application;
  if (application === null || typeof application !== 'object') return undefined;
  const name: unknown = (application as Document).name;
  return typeof name === 'string' ? name : undefined;
}

/** The reply of a retryable write that `onPrimaryTransactionalWrite` fails before commit. */
function failedBeforeCommit(code: number): Document {
  return {
    ok: 0,
    errmsg: 'Failing write for test before commit',
    code,
    codeName: codeNameOf(code),
  };
}

/**
 * The namespace a fail point's `namespace` is compared with, as mongod names it: the
 * collection a command targets (a `getMore` names it in `collection`), else the database.
 */
function commandNamespace(command: Document, name: string, dbName: string): string {
  const collection = name === 'getMore' ? command.collection : command[name];
  return typeof collection === 'string' ? `${dbName}.${collection}` : dbName;
}
