import type { Document } from 'bson';
import { CommandFailure } from './command-types';
import { ErrorCodes, codeNameOf } from './error-codes';

/** What an activated `failCommand` fail point does to one command. */
export interface FailCommandAction {
  /** Close the connection without replying. */
  readonly closeConnection: boolean;
  /** Hold the command this long before going on (0: no delay). */
  readonly blockTimeMS: number;
  /** Answer `ok: 0` with this code instead of running the command. */
  readonly errorCode: number | undefined;
  /** Labels attached to the error reply. */
  readonly errorLabels: readonly string[] | undefined;
  /** Extra fields of the error reply (`errorExtraInfo`). */
  readonly errorExtraInfo: Document | undefined;
  /** Run the command, then attach this `writeConcernError` to its reply. */
  readonly writeConcernError: Document | undefined;
}

/** The command a `failCommand` fail point is checked against. */
export interface FailPointTarget {
  readonly commandName: string;
  /** `<db>.<collection>` when the command names a collection, else `<db>`. */
  readonly namespace: string;
  /** The `client.application.name` the connection gave in its handshake. */
  readonly appName: string | undefined;
}

type Mode =
  | { kind: 'off' }
  | { kind: 'alwaysOn' }
  | { kind: 'times'; remaining: number }
  | { kind: 'skip'; remaining: number };

interface FailCommandSettings {
  readonly commands: ReadonlySet<string>;
  readonly appName: string | undefined;
  readonly namespace: string | undefined;
  readonly action: FailCommandAction;
}

/** What an activated `onPrimaryTransactionalWrite` fail point does to one retryable write. */
export interface TransactionalWriteAction {
  /** Close the connection without replying (by default, after the write is applied). */
  readonly closeConnection: boolean;
  /** Fail the write with this code before it is applied (nothing is written). */
  readonly failBeforeCommitExceptionCode: number | undefined;
}

/** A fail point that fires with one action per activation, by its mode. */
class ModalFailPoint<Action> {
  private mode: Mode = { kind: 'off' };
  private action: Action | undefined;
  private timesEntered = 0;

  /** Sets the mode and action; returns how often it fired under the previous configuration. */
  configure(mode: Mode, action: Action | undefined): Document {
    const count = this.timesEntered;
    this.mode = mode;
    this.action = mode.kind === 'off' ? undefined : action;
    this.timesEntered = 0;
    return { count };
  }

  /** The action when the fail point fires now, consuming one activation. */
  match(): Action | undefined {
    const action = this.action;
    if (action === undefined || !consume(this.mode)) return undefined;
    if (this.mode.kind === 'times' && this.mode.remaining <= 0) this.mode = { kind: 'off' };
    this.timesEntered += 1;
    return action;
  }
}

const FAIL_POINTS = [
  'failCommand',
  'onPrimaryTransactionalWrite',
  'failGetMoreAfterCursorCheckout',
] as const;

/**
 * mongod's test-only fail points, reduced to those drivers' specification tests use:
 * `failCommand` (modes `alwaysOn`, `off`, `{ times }`, `{ skip }`; data `failCommands`,
 * `errorCode`, `closeConnection`, `blockConnection` + `blockTimeMS`, `writeConcernError`,
 * `errorLabels`, `errorExtraInfo`, `appName`, `namespace`); for retryable writes,
 * `onPrimaryTransactionalWrite` (data `closeConnection`, default true: the write is applied
 * and its reply lost, so the driver's retry must get the first reply back; and
 * `failBeforeCommitExceptionCode`); and, for change streams, `failGetMoreAfterCursorCheckout`
 * (data `errorCode`: a getMore fails once its cursor is found, as a failure inside the
 * cursor's work would, so the error carries the labels a change stream resumes by).
 */
export class FailPointRegistry {
  private mode: Mode = { kind: 'off' };
  private settings: FailCommandSettings | undefined;
  private timesEntered = 0;
  private readonly transactional = new ModalFailPoint<TransactionalWriteAction>();
  private readonly cursorCheckout = new ModalFailPoint<number>();

  /**
   * Applies a `configureFailPoint` command and returns its reply body (`count`: how many
   * times the fail point was entered under its previous configuration).
   * @throws {@link CommandFailure} for an unknown fail point or invalid settings.
   */
  configure(command: Document): Document {
    const name = command.configureFailPoint;
    if (name === 'onPrimaryTransactionalWrite') return this.configureTransactional(command);
    if (name === 'failGetMoreAfterCursorCheckout') return this.configureCursorCheckout(command);
    if (name !== 'failCommand') {
      throw new CommandFailure(
        ErrorCodes.BadValue,
        'BadValue',
        `unknown fail point '${String(name)}': the Docket stand-in implements ${FAIL_POINTS.map((known) => `'${known}'`).join(', ')}`,
      );
    }
    const mode = parseMode(command.mode);
    const settings = mode.kind === 'off' ? undefined : parseSettings(command.data);
    const count = this.timesEntered;
    this.mode = mode;
    this.settings = settings;
    this.timesEntered = 0;
    return { count };
  }

  private configureTransactional(command: Document): Document {
    const mode = parseMode(command.mode);
    const data = dataOf(command, 'onPrimaryTransactionalWrite');
    return this.transactional.configure(mode, {
      closeConnection: data.closeConnection === undefined || data.closeConnection === true,
      failBeforeCommitExceptionCode:
        data.failBeforeCommitExceptionCode === undefined
          ? undefined
          : Number(data.failBeforeCommitExceptionCode),
    });
  }

  private configureCursorCheckout(command: Document): Document {
    const mode = parseMode(command.mode);
    const data = dataOf(command, 'failGetMoreAfterCursorCheckout');
    const code = Number(data.errorCode ?? ErrorCodes.InternalError);
    if (!Number.isInteger(code)) {
      throw new CommandFailure(
        ErrorCodes.BadValue,
        'BadValue',
        "failGetMoreAfterCursorCheckout's 'errorCode' must be an integer",
      );
    }
    return this.cursorCheckout.configure(mode, code);
  }

  /**
   * Decides whether `onPrimaryTransactionalWrite` fires for a retryable write, consuming one
   * activation if so.
   */
  matchTransactionalWrite(): TransactionalWriteAction | undefined {
    return this.transactional.match();
  }

  /**
   * The failure of a getMore whose cursor was just found, when
   * `failGetMoreAfterCursorCheckout` fires (consuming one activation).
   */
  matchCursorCheckout(): CommandFailure | undefined {
    const code = this.cursorCheckout.match();
    if (code === undefined) return undefined;
    return new CommandFailure(
      code,
      codeNameOf(code),
      "Failing getMore via 'failGetMoreAfterCursorCheckout' failpoint",
    );
  }

  /** Decides whether the fail point fires for this command, consuming one activation if so. */
  match(target: FailPointTarget): FailCommandAction | undefined {
    const settings = this.settings;
    if (this.mode.kind === 'off' || settings === undefined) return undefined;
    if (!settings.commands.has(target.commandName)) return undefined;
    if (settings.appName !== undefined && settings.appName !== target.appName) return undefined;
    if (settings.namespace !== undefined && settings.namespace !== target.namespace)
      return undefined;
    if (!consume(this.mode)) return undefined;
    if (this.mode.kind === 'times' && this.mode.remaining <= 0) this.mode = { kind: 'off' };
    this.timesEntered += 1;
    return settings.action;
  }
}

/** The `ok: 0` reply mongod sends when `failCommand` fails a command with `errorCode`. */
export function failCommandReply(action: FailCommandAction, errorCode: number): Document {
  return {
    ok: 0,
    errmsg: "Failing command via 'failCommand' failpoint",
    code: errorCode,
    codeName: codeNameOf(errorCode),
    ...(action.errorLabels ? { errorLabels: [...action.errorLabels] } : {}),
    ...action.errorExtraInfo,
  };
}

function parseMode(mode: unknown): Mode {
  if (mode === 'off') return { kind: 'off' };
  if (mode === 'alwaysOn') return { kind: 'alwaysOn' };
  if (mode !== null && typeof mode === 'object') {
    const { times, skip } = mode as { times?: unknown; skip?: unknown };
    if (isCount(times)) return times > 0 ? { kind: 'times', remaining: times } : { kind: 'off' };
    if (isCount(skip)) return { kind: 'skip', remaining: skip };
  }
  throw new CommandFailure(
    ErrorCodes.BadValue,
    'BadValue',
    `invalid fail point mode ${JSON.stringify(mode)}: use 'alwaysOn', 'off', { times: n } or { skip: n }`,
  );
}

function parseSettings(data: unknown): FailCommandSettings {
  if (data === null || typeof data !== 'object') {
    throw new CommandFailure(
      ErrorCodes.BadValue,
      'BadValue',
      "failCommand needs a 'data' document",
    );
  }
  const d = data as Document;
  const commands = d.failCommands;
  if (!Array.isArray(commands) || !commands.every((c): c is string => typeof c === 'string')) {
    throw new CommandFailure(
      ErrorCodes.BadValue,
      'BadValue',
      "failCommand needs 'data.failCommands', an array of command names",
    );
  }
  const blocks = d.blockConnection === true;
  const blockTimeMS = Number(d.blockTimeMS ?? 0);
  if (blocks && !(Number.isFinite(blockTimeMS) && blockTimeMS >= 0)) {
    throw new CommandFailure(
      ErrorCodes.BadValue,
      'BadValue',
      "'blockTimeMS' must be a number ≥ 0 when 'blockConnection' is true",
    );
  }
  return {
    commands: new Set(commands),
    appName: typeof d.appName === 'string' ? d.appName : undefined,
    namespace: typeof d.namespace === 'string' ? d.namespace : undefined,
    action: {
      closeConnection: d.closeConnection === true,
      blockTimeMS: blocks ? blockTimeMS : 0,
      errorCode: d.errorCode === undefined ? undefined : Number(d.errorCode),
      errorLabels: Array.isArray(d.errorLabels) ? d.errorLabels.map(String) : undefined,
      errorExtraInfo: isDocument(d.errorExtraInfo) ? d.errorExtraInfo : undefined,
      writeConcernError: isDocument(d.writeConcernError) ? d.writeConcernError : undefined,
    },
  };
}

/** Whether a fail point in `mode` fires now, counting the activation down. */
function consume(mode: Mode): boolean {
  switch (mode.kind) {
    case 'off':
      return false;
    case 'skip':
      if (mode.remaining > 0) {
        mode.remaining -= 1;
        return false;
      }
      return true;
    case 'times':
      mode.remaining -= 1;
      return mode.remaining >= 0;
    case 'alwaysOn':
      return true;
  }
}

/** A fail point's `data`, a document when given. */
function dataOf(command: Document, name: string): Document {
  const data: unknown = command.data ?? {};
  if (!isDocument(data)) {
    throw new CommandFailure(
      ErrorCodes.BadValue,
      'BadValue',
      `${name}'s 'data' must be a document`,
    );
  }
  return data;
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

function isDocument(value: unknown): value is Document {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
