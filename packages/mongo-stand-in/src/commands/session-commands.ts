import type { CommandHandler } from '../command-types';
import { sessionKeyOf } from '../engine/session-key';

/** The session keys of a list of `lsid` documents (`endSessions`, `killSessions`). */
function sessionKeysOf(list: unknown): Set<string> {
  const keys = new Set<string>();
  if (!Array.isArray(list)) return keys;
  for (const lsid of list) {
    const key = sessionKeyOf(lsid);
    if (key !== undefined) keys.add(key);
  }
  return keys;
}

/**
 * The logical-session commands. The stand-in keeps no session state besides the cursors
 * opened in a session: ending or killing a session closes them, as in mongod, and
 * `refreshSessions` keeps them alive.
 */
export const sessionCommands: Readonly<Record<string, CommandHandler>> = Object.freeze({
  endSessions: (command, { store }) => {
    store.cursors.killForSessions(sessionKeysOf(command.endSessions));
    return {};
  },
  killSessions: (command, { store }) => {
    const keys = sessionKeysOf(command.killSessions);
    // An empty list kills every session, as mongod does.
    if (Array.isArray(command.killSessions) && command.killSessions.length === 0) {
      store.cursors.killAllSessionCursors();
    } else {
      store.cursors.killForSessions(keys);
    }
    return {};
  },
  killAllSessions: (_command, { store }) => {
    store.cursors.killAllSessionCursors();
    return {};
  },
  killAllSessionsByPattern: (_command, { store }) => {
    store.cursors.killAllSessionCursors();
    return {};
  },
  refreshSessions: (command, { store }) => {
    for (const key of sessionKeysOf(command.refreshSessions)) store.cursors.touchSession(key);
    return {};
  },
});
