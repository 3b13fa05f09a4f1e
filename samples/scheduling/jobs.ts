import { IsString } from 'class-validator';
import { Job, JobHandler, type IJob, type IJobHandler, type JobContext } from '../../src';

/** What the sample's handlers did, in order (a real app would do real work). */
export const journal: string[] = [];

@Job('scheduling.tick')
export class TickJob implements IJob {
  @IsString() label = 'tick';
}

@JobHandler(TickJob)
export class TickHandler implements IJobHandler<TickJob> {
  async handle(job: TickJob, ctx: JobContext): Promise<void> {
    journal.push(`${job.label} (${ctx.jobId})`);
  }
}

/** One step of an image pipeline: download → resize → publish, chained as continuations. */
@Job('scheduling.step')
export class StepJob implements IJob {
  @IsString() step!: string;
  @IsString() image!: string;
}

@JobHandler(StepJob)
export class StepHandler implements IJobHandler<StepJob> {
  async handle(job: StepJob): Promise<void> {
    journal.push(`${job.step} ${job.image}`);
  }
}

export const step = (name: string, image: string): StepJob =>
  Object.assign(new StepJob(), { step: name, image });
