/**
 * Every entry point's types as an application sees them: compiled by the tarball test
 * under each module resolution TypeScript offers (node10, node16, nodenext, bundler).
 */
import { Docket, JOB_SCHEDULER, type IJobScheduler, type JobServer, type QueueInfo } from 'docket';
import { startEphemeralMongo, type EphemeralMongo } from 'docket/testing';
import { DocketClient, type ApiJobDetail } from 'docket/client';
import { createDashboardHandler, type DashboardOptions } from 'docket/dashboard';

export const names: string[] = [Docket.name, String(JOB_SCHEDULER), DocketClient.name];
export type Surface = [
  IJobScheduler,
  JobServer,
  QueueInfo,
  EphemeralMongo,
  typeof startEphemeralMongo,
  ApiJobDetail,
  DashboardOptions,
  typeof createDashboardHandler,
];
