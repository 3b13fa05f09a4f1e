import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let collect: (() => void) | undefined;

/**
 * The heap this process holds after a full garbage collection (MiB): in the bench's process,
 * with the stand-in running there, what the server keeps for the data it stores; in a
 * worker, what the queue library keeps. The collector is reached through V8's `--expose-gc`
 * flag, set at run time.
 */
export function heapAfterCollectionMb(): number {
  if (!collect) {
    setFlagsFromString('--expose-gc');
    collect = runInNewContext('gc') as () => void;
  }
  collect();
  collect();
  return process.memoryUsage().heapUsed / 2 ** 20;
}
