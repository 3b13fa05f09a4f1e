import { IsInt, IsString, Max, MaxLength, Min } from 'class-validator';
import {
  Job,
  JobHandler,
  type Docket,
  type IJob,
  type IJobHandler,
  type JobContext,
} from '../../../src';
import { createTestDocket } from '../../helpers/docket';
import { openTestDatabase, type TestDatabase } from '../../helpers/mongo';

/** The job of the dashboard tests: a month and a note (shown in the UI). */
@Job('dashboard-it.report')
export class ReportJob implements IJob {
  @IsInt() @Min(1) @Max(12) month!: number;
  @IsString() @MaxLength(500) note!: string;
}

/** What the next attempts of ReportJob do (default: report progress and succeed). */
export const behaviour: { run: (job: ReportJob, ctx: JobContext) => Promise<void> } = {
  run: async (_job, ctx) => {
    await ctx.progress(100, 'done');
  },
};

@JobHandler(ReportJob, { retries: 0, timeoutMs: 10_000 })
export class ReportHandler implements IJobHandler<ReportJob> {
  handle(job: ReportJob, ctx: JobContext): Promise<void> {
    return behaviour.run(job, ctx);
  }
}

export const report = (month: number, note = 'monthly'): ReportJob =>
  Object.assign(new ReportJob(), { month, note });

/** A handler error with a stack, as the UI shows it. */
export class WarehouseError extends Error {
  override get name(): string {
    return 'WarehouseError';
  }
}

/** A test database and a Docket on it (no server started). */
export async function openDashboardDocket(
  label: string,
): Promise<{ db: TestDatabase; docket: Docket }> {
  const db = await openTestDatabase(label);
  const { docket } = await createTestDocket(db, { handlers: [ReportHandler] });
  return { db, docket };
}
