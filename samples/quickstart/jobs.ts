import { IsEmail, IsInt, IsString, Max, MaxLength, Min } from 'class-validator';
import { inject, injectable } from 'tsyringe';
import { Job, JobHandler, type IJob, type IJobHandler, type JobContext } from '../../src';

/** Where the sample's handlers "send" mail: a real app would inject its mailer here. */
@injectable()
export class Outbox {
  readonly sent: string[] = [];
}

@Job('quickstart.welcome-email')
export class WelcomeEmailJob implements IJob {
  @IsEmail() to!: string;
  @IsString() @MaxLength(200) subject!: string;
}

@JobHandler(WelcomeEmailJob, { retries: 2, timeoutMs: 5_000 })
export class WelcomeEmailHandler implements IJobHandler<WelcomeEmailJob> {
  constructor(@inject(Outbox) private readonly outbox: Outbox) {}

  async handle(job: WelcomeEmailJob, ctx: JobContext): Promise<void> {
    for (const percent of [25, 50, 75, 100]) {
      ctx.signal.throwIfAborted();
      await ctx.progress(percent, `rendering ${percent}%`);
    }
    this.outbox.sent.push(`${job.to}: ${job.subject}`);
  }
}

/** A report whose data source fails twice before it answers: retried with backoff. */
@Job('quickstart.monthly-report')
export class MonthlyReportJob implements IJob {
  @IsInt() @Min(1) @Max(12) month!: number;
}

@JobHandler(MonthlyReportJob, { retries: 4, backoff: { baseMs: 200, maxMs: 1_000 } })
export class MonthlyReportHandler implements IJobHandler<MonthlyReportJob> {
  async handle(job: MonthlyReportJob, ctx: JobContext): Promise<void> {
    if (ctx.attempt <= 2) {
      throw new Error(`data warehouse busy (attempt ${ctx.attempt})`);
    }
    ctx.logger.info(`report for month ${job.month} built`);
  }
}

/** A reminder scheduled for later. */
@Job('quickstart.reminder')
export class ReminderJob implements IJob {
  @IsString() @MaxLength(500) text!: string;
}

@JobHandler(ReminderJob)
export class ReminderHandler implements IJobHandler<ReminderJob> {
  constructor(@inject(Outbox) private readonly outbox: Outbox) {}

  async handle(job: ReminderJob): Promise<void> {
    this.outbox.sent.push(`reminder: ${job.text}`);
  }
}
