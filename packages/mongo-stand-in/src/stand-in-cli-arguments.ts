/** Command-line arguments of `docket-mongo-stand-in`. */

/** Usage text (stdout for `--help`, stderr for bad arguments). */
export const USAGE =
  'usage: docket-mongo-stand-in [--port N] [--replica-set NAME] [--ttl-monitor-interval-ms N]\n' +
  '                             [--exit-with-parent]\n' +
  '  --port N                     TCP port on 127.0.0.1 (0 or absent: any free port)\n' +
  '  --replica-set NAME           answer as the primary of a one-member replica set NAME\n' +
  '  --ttl-monitor-interval-ms N  how often TTL indexes expire documents (default 60000)\n' +
  '  --exit-with-parent           stop when stdin closes\n';

/** What the command line asks for. */
export type CliRequest =
  | {
      readonly kind: 'run';
      readonly port: number;
      readonly replicaSet?: string;
      /** Checked by `resolveStandInOptions` with the other options, so one rule holds. */
      readonly ttlMonitorIntervalMs?: number;
      readonly exitWithParent: boolean;
    }
  | { readonly kind: 'help' }
  | { readonly kind: 'invalid'; readonly reason: string };

/** Parses the arguments (without the node and script paths). */
export function parseCliArguments(argv: readonly string[]): CliRequest {
  let port = 0;
  let exitWithParent = false;
  let replicaSet: string | undefined;
  let ttlMonitorIntervalMs: number | undefined;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    const inline = arg.startsWith('--port=') ? arg.slice('--port='.length) : undefined;
    if (arg === '--port' || inline !== undefined) {
      const value = inline ?? argv[++i];
      if (value === undefined || !/^\d+$/.test(value) || Number(value) > 65_535) {
        const got = value === undefined ? 'nothing' : `'${value}'`;
        return { kind: 'invalid', reason: `--port needs an integer from 0 to 65535, got ${got}` };
      }
      port = Number(value);
    } else if (arg === '--replica-set' || arg.startsWith('--replica-set=')) {
      const value = arg === '--replica-set' ? argv[++i] : arg.slice('--replica-set='.length);
      if (value === undefined || value === '' || value.startsWith('--')) {
        return { kind: 'invalid', reason: '--replica-set needs a replica set name' };
      }
      replicaSet = value;
    } else if (
      arg === '--ttl-monitor-interval-ms' ||
      arg.startsWith('--ttl-monitor-interval-ms=')
    ) {
      const value =
        arg === '--ttl-monitor-interval-ms'
          ? argv[++i]
          : arg.slice('--ttl-monitor-interval-ms='.length);
      if (value === undefined || !/^\d+$/.test(value)) {
        const got = value === undefined ? 'nothing' : `'${value}'`;
        return {
          kind: 'invalid',
          reason: `--ttl-monitor-interval-ms needs a number of milliseconds, got ${got}`,
        };
      }
      ttlMonitorIntervalMs = Number(value);
    } else if (arg === '--exit-with-parent') {
      exitWithParent = true;
    } else if (arg === '--help' || arg === '-h') {
      return { kind: 'help' };
    } else {
      return { kind: 'invalid', reason: `unknown argument '${arg}'` };
    }
  }
  return {
    kind: 'run',
    port,
    exitWithParent,
    ...(replicaSet ? { replicaSet } : {}),
    ...(ttlMonitorIntervalMs === undefined ? {} : { ttlMonitorIntervalMs }),
  };
}
