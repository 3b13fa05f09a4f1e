/**
 * The order app's wiring, shared by `main.ts` and the end-to-end test: one container with
 * Docket, the command bus, the saga runner and the domain's services.
 */
import 'reflect-metadata';
import { container as rootContainer, type DependencyContainer } from 'tsyringe';
import { createLogger, transports, type Logger } from 'winston';
import {
  CommandBus,
  Docket,
  ExecuteCommandJobHandler,
  SagaRunner,
  type JobServerOptions,
} from '../../src';
import { OrderRepository } from './domain';
import { Outbox, SendOrderConfirmationHandler } from './email.job';
import { ORDER_COMMAND_HANDLERS, PayOrder, PlaceOrder } from './order.commands';
import { OrderSaga } from './order.saga';
import { ORDER_LOG, PAYMENT_WINDOW_MS } from './tokens';

export interface OrderAppOptions {
  /** MongoDB connection string. */
  readonly uri: string;
  /** @defaultValue `'order-saga'` */
  readonly dbName?: string;
  /** @defaultValue 1500 */
  readonly paymentWindowMs?: number;
  /** Job server options, or false to run no server (jobs then only wait). @defaultValue {} */
  readonly server?: JobServerOptions | false;
  /** @defaultValue prints nothing */
  readonly log?: (line: string) => void;
  /** @defaultValue a console logger at `warn` */
  readonly logger?: Logger;
}

export interface OrderApp {
  readonly container: DependencyContainer;
  readonly docket: Docket;
  readonly bus: CommandBus;
  readonly orders: OrderRepository;
  readonly outbox: Outbox;
  placeOrder(orderId: string, customerEmail: string): Promise<void>;
  pay(orderId: string): Promise<void>;
  close(): Promise<void>;
}

/** The job handlers the app runs (listed explicitly, so ExecuteCommandJobHandler is too). */
export const ORDER_JOB_HANDLERS = [SendOrderConfirmationHandler, ExecuteCommandJobHandler];

/** Options of {@link createOrderContainer}. */
export type OrderContainerOptions = Pick<OrderAppOptions, 'paymentWindowMs' | 'log'>;

/**
 * The app's container before Docket joins it: the domain's services, the command bus (the
 * app's handlers plus Docket's job-command handlers) and the saga runner. Tests hand it to a
 * test harness instead of `Docket.create`.
 */
export function createOrderContainer(options: OrderContainerOptions = {}): {
  readonly container: DependencyContainer;
  readonly bus: CommandBus;
} {
  const container = rootContainer.createChildContainer();
  container.registerSingleton(OrderRepository);
  container.registerSingleton(Outbox);
  container.registerInstance(PAYMENT_WINDOW_MS, options.paymentWindowMs ?? 1_500);
  container.registerInstance(ORDER_LOG, options.log ?? (() => undefined));

  // Commands: the app's handlers, plus Docket's job-command handlers (added by default).
  const bus = CommandBus.register(container, { handlers: ORDER_COMMAND_HANDLERS });
  SagaRunner.register(container, { sagas: [OrderSaga] });
  return { container, bus };
}

export async function createOrderApp(options: OrderAppOptions): Promise<OrderApp> {
  const { container, bus } = createOrderContainer(options);
  const docket = await Docket.create({
    mongo: { uri: options.uri, dbName: options.dbName ?? 'order-saga' },
    container,
    handlers: ORDER_JOB_HANDLERS,
    logger:
      options.logger ?? createLogger({ level: 'warn', transports: [new transports.Console()] }),
  });
  if (options.server !== false) await docket.startServer(options.server ?? {});

  return {
    container,
    docket,
    bus,
    orders: container.resolve(OrderRepository),
    outbox: container.resolve(Outbox),
    placeOrder: (orderId, customerEmail) => bus.execute(new PlaceOrder(orderId, customerEmail)),
    pay: (orderId) => bus.execute(new PayOrder(orderId)),
    close: () => docket.close(),
  };
}
