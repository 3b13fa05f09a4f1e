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
