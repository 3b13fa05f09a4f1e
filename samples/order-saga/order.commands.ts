/**
 * The order commands and their handlers. `CancelUnpaidOrder` is persisted (it runs later,
 * in the background, through ExecuteCommandJob), so it has a stable name and validation
 * rules; the others only run in-process.
 */
import { IsString } from 'class-validator';
import { inject } from 'tsyringe';
import {
  BaseCommand,
  Command,
  CommandHandler,
  SAGA_RUNNER,
  type ICommandHandler,
  type SagaRunner,
} from '../../src';
import { Order, OrderRepository } from './domain';
import { ORDER_LOG } from './tokens';

export class PlaceOrder extends BaseCommand<void> {
  constructor(
    readonly orderId: string,
    readonly customerEmail: string,
  ) {
    super();
  }
}

export class PayOrder extends BaseCommand<void> {
  constructor(readonly orderId: string) {
    super();
  }
}

/** Remembers the job that will cancel the order if it is not paid. */
export class RecordPaymentTimeout extends BaseCommand<void> {
  constructor(
    readonly orderId: string,
    readonly jobId: string,
  ) {
    super();
  }
}

/** Cancels an order that is still unpaid; resolves with whether it did. */
@Command('orders.cancel-unpaid')
export class CancelUnpaidOrder extends BaseCommand<boolean> {
  @IsString() orderId!: string;

  // Optional: a stored command is rebuilt with no constructor arguments.
  constructor(orderId?: string) {
    super();
    if (orderId !== undefined) this.orderId = orderId;
  }
}

@CommandHandler(PlaceOrder)
export class PlaceOrderHandler implements ICommandHandler<PlaceOrder> {
  constructor(
    @inject(OrderRepository) private readonly orders: OrderRepository,
    @inject(SAGA_RUNNER) private readonly sagas: SagaRunner,
  ) {}

  async execute(command: PlaceOrder): Promise<void> {
    const { order, event } = Order.place(command.orderId, command.customerEmail);
    this.orders.save(order);
    await this.sagas.publish(event);
  }
}

@CommandHandler(PayOrder)
export class PayOrderHandler implements ICommandHandler<PayOrder> {
  constructor(
    @inject(OrderRepository) private readonly orders: OrderRepository,
    @inject(SAGA_RUNNER) private readonly sagas: SagaRunner,
  ) {}

  async execute(command: PayOrder): Promise<void> {
    const order = this.orders.get(command.orderId);
    const event = order.pay();
    this.orders.save(order);
    await this.sagas.publish(event);
  }
}

@CommandHandler(RecordPaymentTimeout)
export class RecordPaymentTimeoutHandler implements ICommandHandler<RecordPaymentTimeout> {
  constructor(@inject(OrderRepository) private readonly orders: OrderRepository) {}

  async execute(command: RecordPaymentTimeout): Promise<void> {
    const order = this.orders.get(command.orderId);
    order.paymentTimeoutJobId = command.jobId;
    this.orders.save(order);
  }
}

@CommandHandler(CancelUnpaidOrder)
export class CancelUnpaidOrderHandler implements ICommandHandler<CancelUnpaidOrder> {
  constructor(
    @inject(OrderRepository) private readonly orders: OrderRepository,
    @inject(ORDER_LOG) private readonly log: (line: string) => void,
  ) {}

  async execute(command: CancelUnpaidOrder): Promise<boolean> {
    const order = this.orders.get(command.orderId);
    const cancelled = order.cancelUnpaid();
    this.orders.save(order);
    this.log(
      cancelled
        ? `timeout: order ${order.id} cancelled, it was not paid in time`
        : `timeout: order ${order.id} is ${order.status}, nothing to cancel`,
    );
    return cancelled;
  }
}

export const ORDER_COMMAND_HANDLERS = [
  PlaceOrderHandler,
  PayOrderHandler,
  RecordPaymentTimeoutHandler,
  CancelUnpaidOrderHandler,
];
