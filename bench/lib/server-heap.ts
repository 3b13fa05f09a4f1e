import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let collect: (() => void) | undefined;

/**
 * The heap this process holds after a full garbage collection (MiB): with the stand-in
 * running in the bench's process, what the server keeps for the data it stores. The
 * collector is reached through V8's `--expose-gc` flag, set at run time.
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
