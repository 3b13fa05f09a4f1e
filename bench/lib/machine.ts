import { cpus, freemem, platform, release, totalmem } from 'node:os';

/** The machine a run was made on. */
export interface MachineInfo {
  readonly cores: number;
  readonly cpuModel: string;
  readonly memoryGiB: number;
  readonly node: string;
  readonly os: string;
}

/** Describes this machine. */
export function describeMachine(): MachineInfo {
  const cpuList = cpus();
  return {
    cores: cpuList.length,
    cpuModel: cpuList[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    os: `${platform()} ${release()}`,
  };
}

/** Free memory now (GiB), for the run log. */
export function freeMemoryGiB(): number {
  return Math.round((freemem() / 2 ** 30) * 10) / 10;
}
