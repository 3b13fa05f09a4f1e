import type { Document } from 'bson';
import { CommandFailure, type CommandHandler } from '../command-types';
import { ErrorCodes } from '../error-codes';
import type { StandInState } from '../stand-in-state';
import { buildInfoCommand } from './build-info.command';
import { getParameterCommand } from './get-parameter.command';
import { createHelloCommand } from './hello.command';
import { hostInfoCommand } from './host-info.command';
import { createServerStatusCommand } from './server-status.command';

/**
 * The handshake and diagnostic commands of a standalone mongod 7.0 that do not touch data.
 * Data commands live with the storage engine (`data-commands.ts`), session commands with
 * the cursors they end (`session-commands.ts`).
 */
export function createAdminCommands(state: StandInState): Readonly<Record<string, CommandHandler>> {
  const noop: CommandHandler = () => ({});
  const buildInfo = buildInfoCommand;
  return {
    hello: createHelloCommand(state, false),
    isMaster: createHelloCommand(state, true),
    ismaster: createHelloCommand(state, true),
    ping: noop,
    buildInfo,
    buildinfo: buildInfo,
    hostInfo: hostInfoCommand,
    serverStatus: createServerStatusCommand(state),
    getParameter: getParameterCommand,
    getCmdLineOpts: () => ({ argv: ['docket-stand-in'], parsed: {} }),
    connectionStatus: (command) => ({
      authInfo: {
        authenticatedUsers: [],
        authenticatedUserRoles: [],
        ...(command.showPrivileges === true ? { authenticatedUserPrivileges: [] } : {}),
      },
    }),
    whatsmyuri: (_command, context) => ({
      you: state.connections.get(context.connectionId)?.remote ?? '',
    }),
    getLog: getLogCommand,
    configureFailPoint: (command) => state.failPoints.configure(command),
    replSetStepDown: (command) => {
      stepDown(state, command);
      return {};
    },
    replSetGetStatus: () => {
      if (state.replicaSet) return state.replicaSet.status(state.startedAt);
      throw new CommandFailure(
        ErrorCodes.NoReplicationEnabled,
        'NoReplicationEnabled',
        'not running with --replSet',
      );
    },
  };
}

/** `getLog`: the stand-in keeps no log, so every log is empty. */
const getLogCommand: CommandHandler = (command) => {
  const which: unknown = command.getLog;
  if (which === '*') return { names: ['global', 'startupWarnings'] };
  if (which === 'global' || which === 'startupWarnings') {
    return { totalLinesWritten: 0, log: [] } satisfies Document;
  }
  throw new CommandFailure(ErrorCodes.BadValue, 'BadValue', `no RamLog named: ${String(which)}`);
};

/**
 * `replSetStepDown`, as a one-member set answers it: with no secondary to hand over to,
 * only `force: true` steps the member down, for `replSetStepDown` seconds (60 by default).
 */
function stepDown(state: StandInState, command: Document): void {
  const member = state.replicaSet;
  if (member === undefined) {
    throw new CommandFailure(
      ErrorCodes.NoReplicationEnabled,
      'NoReplicationEnabled',
      'not running with --replSet',
    );
  }
  if (!member.isPrimary) {
    throw new CommandFailure(
      ErrorCodes.NotWritablePrimary,
      'NotWritablePrimary',
      "not primary so can't step down",
    );
  }
  const seconds = command.replSetStepDown === true ? 60 : Number(command.replSetStepDown ?? 60);
  const catchUp = Number(command.secondaryCatchUpPeriodSecs ?? Math.min(10, seconds));
  if (!Number.isInteger(seconds) || seconds < 1 || !(catchUp >= 0)) {
    throw new CommandFailure(
      ErrorCodes.BadValue,
      'BadValue',
      'replSetStepDown needs a whole number of seconds of at least 1',
    );
  }
  if (catchUp > seconds) {
    throw new CommandFailure(
      ErrorCodes.BadValue,
      'BadValue',
      'stepdown period must be longer than secondaryCatchUpPeriodSecs',
    );
  }
  if (command.force !== true) {
    throw new CommandFailure(
      ErrorCodes.ExceededTimeLimit,
      'ExceededTimeLimit',
      `No electable secondaries caught up as of ${new Date().toISOString()}. Please use the replSetStepDown command with the argument {force: true} to force node to step down.`,
    );
  }
  member.stepDown(seconds);
}
