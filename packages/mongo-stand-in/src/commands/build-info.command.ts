import type { CommandHandler } from '../command-types';
import { MAX_BSON_OBJECT_SIZE } from '../wire/wire-protocol';

/** The MongoDB version the stand-in imitates. */
export const STAND_IN_VERSION = '7.0.0';

/**
 * `buildInfo` / `buildinfo`: MongoDB 7.0.0 as far as feature detection goes, with a
 * `gitVersion` and storage engine that make the stand-in recognisable.
 */
export const buildInfoCommand: CommandHandler = () => ({
  version: STAND_IN_VERSION,
  gitVersion: 'docket-stand-in',
  modules: [],
  allocator: 'system',
  javascriptEngine: 'none',
  sysInfo: 'deprecated',
  versionArray: [7, 0, 0, 0],
  openssl: { running: 'disabled', compiled: 'disabled' },
  buildEnvironment: { target_os: process.platform, target_arch: process.arch },
  bits: 64,
  debug: false,
  maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
  storageEngines: ['stand-in'],
});
