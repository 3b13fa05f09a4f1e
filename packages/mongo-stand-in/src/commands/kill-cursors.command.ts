import type { Long } from 'bson';
import type { CommandHandler } from '../command-types';
import { collectionArgument, requiredArray } from './command-args';
import { cursorIdOf } from './get-more.command';

/** `killCursors`: closes the listed cursors. */
export const killCursorsCommand: CommandHandler = (command, { dbName, store }) => {
  collectionArgument(command, dbName);
  const cursorsKilled: Long[] = [];
  const cursorsNotFound: Long[] = [];
  for (const raw of requiredArray(command, 'cursors')) {
    const id = cursorIdOf(raw);
    (store.cursors.kill(id) ? cursorsKilled : cursorsNotFound).push(id);
  }
  return { cursorsKilled, cursorsNotFound, cursorsAlive: [], cursorsUnknown: [] };
};
