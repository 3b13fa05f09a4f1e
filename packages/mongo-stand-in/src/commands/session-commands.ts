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
 * The logical-session commands: ending or killing a session forgets it and closes its
 * cursors, as in mongod, and `refreshSessions` keeps its cursors alive.
 */
export const sessionCommands: Readonly<Record<string, CommandHandler>> = Object.freeze({
  endSessions: (command, { store }) => {
    const keys = sessionKeysOf(command.endSessions);
    store.cursors.killForSessions(keys);
    store.sessions.end(keys);
    return {};
  },
  killSessions: (command, { store }) => {
    const keys = sessionKeysOf(command.killSessions);
    // An empty list kills every session, as mongod does.
    if (Array.isArray(command.killSessions) && command.killSessions.length === 0) {
      store.cursors.killAllSessionCursors();
      store.sessions.endAll();
    } else {
      store.cursors.killForSessions(keys);
      store.sessions.end(keys);
    }
    return {};
  },
  killAllSessions: (_command, { store }) => {
    store.cursors.killAllSessionCursors();
    store.sessions.endAll();
    return {};
  },
  killAllSessionsByPattern: (_command, { store }) => {
    store.cursors.killAllSessionCursors();
    store.sessions.endAll();
    return {};
  },
  refreshSessions: (command, { store }) => {
    for (const key of sessionKeysOf(command.refreshSessions)) store.cursors.touchSession(key);
    return {};
  },
});
