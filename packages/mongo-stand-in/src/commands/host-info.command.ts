import { arch, cpus, hostname, release, totalmem, type as osType } from 'node:os';
import type { CommandHandler } from '../command-types';

/** `hostInfo`: the machine the stand-in runs on, as Node's `os` module sees it. */
export const hostInfoCommand: CommandHandler = () => ({
  system: {
    currentTime: new Date(),
    hostname: hostname(),
    cpuAddrSize: 64,
    memSizeMB: Math.round(totalmem() / (1024 * 1024)),
    numCores: cpus().length,
    cpuArch: arch(),
    numaEnabled: false,
  },
  os: { type: osType(), name: osType(), version: release() },
  extra: {},
});
