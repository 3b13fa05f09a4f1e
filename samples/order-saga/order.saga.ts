/**
 * The order saga: it reacts to order events and only emits commands. Docket's job commands
 * let it cause jobs: a confirmation email now, and a payment timeout that runs the
 * CancelUnpaidOrder command later unless the payment deletes it first.
 */
import { inject } from 'tsyringe';
import {
  DeleteJobCommand,
  EnqueueJobCommand,
  ExecuteCommandJob,
  OnEvent,
  Saga,
  ScheduleJobCommand,
  type ICommand,
  type SagaContext,
} from '../../src';
import { OrderPlaced, PaymentReceived } from './domain';
import { sendOrderConfirmation } from './email.job';
import { CancelUnpaidOrder, RecordPaymentTimeout } from './order.commands';
import { PAYMENT_WINDOW_MS } from './tokens';

@Saga()
export class OrderSaga {
  constructor(@inject(PAYMENT_WINDOW_MS) private readonly paymentWindowMs: number) {}

  @OnEvent(OrderPlaced)
  async placed(event: OrderPlaced, saga: SagaContext): Promise<void> {
    // uniqueKey: publishing the event again (a retry) finds the jobs already waiting
    // instead of creating second ones.
    await saga.emit(
      new EnqueueJobCommand(sendOrderConfirmation(event.orderId, event.customerEmail), {
        uniqueKey: `order-confirmation:${event.orderId}`,
      }),
    );
    const timeoutJobId = await saga.emit(
      new ScheduleJobCommand(
        new ExecuteCommandJob(new CancelUnpaidOrder(event.orderId)),
        { delayMs: this.paymentWindowMs },
        { uniqueKey: `payment-timeout:${event.orderId}` },
      ),
    );
    await saga.emit(new RecordPaymentTimeout(event.orderId, timeoutJobId));
  }

  @OnEvent(PaymentReceived)
  paid(event: PaymentReceived): ICommand | undefined {
    if (event.paymentTimeoutJobId === undefined) return undefined;
    return new DeleteJobCommand(event.paymentTimeoutJobId);
  }
}
