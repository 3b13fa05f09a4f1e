import { CommandFailure } from '../command-types';
import { ErrorCodes } from '../error-codes';
import type { StandInStore } from './stand-in-store';

/**
 * Refuses to make the view `dbName.view` read from `viewOn` when that would make it read
 * itself, as mongod's view graph does: 93 GraphContainsCycle, "View cycle detected: " and
 * the namespaces of the cycle (laid out as mongod 7.0 lays them out, the last one first).
 * Only `viewOn` links are followed; mongod also follows namespaces that pipelines name
 * (`$lookup`...).
 */
export function refuseViewCycle(
  store: StandInStore,
  dbName: string,
  view: string,
  viewOn: string,
): void {
  const path = [view];
  const seen = new Set(path);
  let next: string | undefined = viewOn;
  while (next !== undefined) {
    path.push(next);
    if (next === view) {
      const cycle = path.map((name) => `${dbName}.${name}`).reverse();
      throw new CommandFailure(
        ErrorCodes.GraphContainsCycle,
        'GraphContainsCycle',
        `View cycle detected: ${cycle[0]} => ${cycle.join(' => ')}`,
      );
    }
    // A cycle that does not go through this view was there before: not this command's doing.
    if (seen.has(next)) return;
    seen.add(next);
    next = store.getView(dbName, next)?.viewOn;
  }
}
