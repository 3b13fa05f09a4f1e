/**
 * The confirmation email, sent in the background by a Docket job.
 */
import { IsEmail, IsString } from 'class-validator';
import { inject, injectable } from 'tsyringe';
import { Job, JobHandler, type IJob, type IJobHandler, type JobContext } from '../../src';
import { ORDER_LOG } from './tokens';

@Job('orders.send-confirmation')
export class SendOrderConfirmation implements IJob {
  @IsString() orderId!: string;
  @IsEmail() to!: string;
}

export function sendOrderConfirmation(orderId: string, to: string): SendOrderConfirmation {
  return Object.assign(new SendOrderConfirmation(), { orderId, to });
}

/** Stands in for a mail server: what was sent, for the app and its tests to check. */
@injectable()
export class Outbox {
  readonly sent: Array<{ orderId: string; to: string; jobId: string }> = [];
}

@JobHandler(SendOrderConfirmation, { retries: 2 })
export class SendOrderConfirmationHandler implements IJobHandler<SendOrderConfirmation> {
  constructor(
    @inject(Outbox) private readonly outbox: Outbox,
    @inject(ORDER_LOG) private readonly log: (line: string) => void,
  ) {}

  async handle(job: SendOrderConfirmation, context: JobContext): Promise<void> {
    // The job id is the idempotency key: a job re-run after a crash sends nothing twice.
    if (this.outbox.sent.some((mail) => mail.jobId === context.jobId)) return;
    this.outbox.sent.push({ orderId: job.orderId, to: job.to, jobId: context.jobId });
    this.log(`email: order ${job.orderId} confirmed to ${job.to}`);
  }
}
