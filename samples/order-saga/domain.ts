/**
 * The order domain: an aggregate, its repository, its events. Nothing here knows Docket.
 */
import { injectable } from 'tsyringe';

export type OrderStatus = 'awaiting-payment' | 'paid' | 'cancelled';

/** Raised when an order is placed: the customer has a payment window to pay it. */
export class OrderPlaced {
  constructor(
    readonly orderId: string,
    readonly customerEmail: string,
  ) {}
}

/** Raised when an order is paid in time. */
export class PaymentReceived {
  constructor(
    readonly orderId: string,
    /** The job that would have cancelled the order, now to be deleted. */
    readonly paymentTimeoutJobId: string | undefined,
  ) {}
}

/** The order aggregate: placed, then paid or cancelled. */
export class Order {
  status: OrderStatus = 'awaiting-payment';
  paymentTimeoutJobId: string | undefined;

  constructor(
    readonly id: string,
    readonly customerEmail: string,
  ) {}

  static place(id: string, customerEmail: string): { order: Order; event: OrderPlaced } {
    return { order: new Order(id, customerEmail), event: new OrderPlaced(id, customerEmail) };
  }

  pay(): PaymentReceived {
    if (this.status !== 'awaiting-payment') {
      throw new Error(`order ${this.id} cannot be paid: it is ${this.status}`);
    }
    this.status = 'paid';
    return new PaymentReceived(this.id, this.paymentTimeoutJobId);
  }

  /** Cancels the order if it is still unpaid; says whether it did (idempotent). */
  cancelUnpaid(): boolean {
    if (this.status !== 'awaiting-payment') return false;
    this.status = 'cancelled';
    return true;
  }
}

/** An in-memory repository (one instance per app, registered in its container). */
@injectable()
export class OrderRepository {
  private readonly orders = new Map<string, Order>();

  save(order: Order): void {
    this.orders.set(order.id, order);
  }

  get(id: string): Order {
    const order = this.orders.get(id);
    if (order === undefined) throw new Error(`no order ${id}`);
    return order;
  }

  all(): Order[] {
    return [...this.orders.values()];
  }
}
