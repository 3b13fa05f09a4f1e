/**
 * What the snippets of the README and the guides take as given: a Docket instance, its
 * scheduler, the classes and values of the application the surrounding text describes, and
 * the few types of the web frameworks the dashboard is mounted in (not dependencies of
 * Docket). Complete examples declare everything themselves and need none of this.
 *
 * This file is a script, not a module, so that `declare module 'express'` declares that
 * module instead of augmenting one that cannot be found. Docket's own API is never declared
 * here: the `global` block below imports it from the real sources.
 */

declare module 'docket-docs-context' {
  import type { IncomingMessage } from 'node:http';
  import type { Collection, MongoClient } from 'mongodb';
  import type { InjectionToken } from 'tsyringe';
  import type {
    CommandHandlerClass,
    Docket,
    IJob,
    IJobHandler,
    IJobScheduler,
    JobContext,
  } from 'docket';
  import { BaseCommand } from 'docket';
  import type { DashboardAuthorize } from 'docket/dashboard';

  global {
    /** The application's Docket: `await Docket.create({ mongo, container })`. */
    const docket: Docket;
    /** Its scheduler: `container.resolve(JOB_SCHEDULER)`, or injected. */
    const scheduler: IJobScheduler;
    /** The application's check of a dashboard request. */
    const authorize: DashboardAuthorize;
    /** The application's sessions, read by a dashboard's `authorize`. */
    const sessions: {
      userOf(req: IncomingMessage): Promise<{ readonly roles: readonly string[] } | undefined>;
    };
    /** Where a service gets the bearer tokens it calls the dashboard's API with. */
    const tokens: { get(): Promise<string> };

    // Continuations: a file import, then its indexing, then a notification.
    /** `@Job('files.import')` */
    class ImportFile implements IJob {
      path: string;
      constructor(path?: string);
    }
    /** `@Job('files.index')` */
    class IndexFile implements IJob {
      path: string;
      constructor(path?: string);
    }
    /** `@Job('users.notify')` */
    class NotifyUser implements IJob {
      userId: string;
      constructor(userId?: string);
    }

    // Recurring jobs.
    /** `@Job('reports.build')` */
    class BuildReportJob implements IJob {
      kind: string;
    }

    // The order saga sample (samples/order-saga/).
    /** Raised when an order is placed. */
    class OrderPlaced {
      readonly orderId: string;
      readonly customerEmail: string;
      constructor(orderId: string, customerEmail: string);
    }
    /** Raised when an order is paid in time. */
    class PaymentReceived {
      readonly orderId: string;
      readonly paymentTimeoutJobId: string | undefined;
      constructor(orderId: string, paymentTimeoutJobId: string | undefined);
    }
    /** `@Job('orders.send-confirmation')` */
    class SendOrderConfirmation implements IJob {
      orderId: string;
      to: string;
    }
    function sendOrderConfirmation(orderId: string, to: string): SendOrderConfirmation;
    /** `@JobHandler(SendOrderConfirmation)` */
    class SendOrderConfirmationHandler implements IJobHandler<SendOrderConfirmation> {
      handle(job: SendOrderConfirmation, context: JobContext): Promise<void>;
    }

    // The outbox: an order saved with its confirmation job, in one transaction.
    /** The application's MongoClient, the one Docket uses. */
    const client: MongoClient;
    /** The application's orders. */
    const orders: Collection<{ _id: string; email: string }>;
    /** An order to save. */
    const order: { _id: string; email: string };
    /** `@Command('orders.cancel-unpaid')`: cancels an order that is still unpaid. */
    class CancelUnpaidOrder extends BaseCommand<boolean> {
      orderId: string;
      constructor(orderId?: string);
    }
    /** Remembers the job that will cancel the order if it is not paid. */
    class RecordPaymentTimeout extends BaseCommand<void> {
      readonly orderId: string;
      readonly jobId: string;
      constructor(orderId: string, jobId: string);
    }
    /** The handlers of the order commands. */
    const ORDER_COMMAND_HANDLERS: readonly CommandHandlerClass[];
    /** `@Saga()`: the saga the commands-and-sagas guide shows. */
    class OrderSaga {}
    /** How long a customer has to pay, in ms. */
    const PAYMENT_WINDOW_MS: InjectionToken<number>;

    // Exactly-once effects: a payment captured, and its ledger entry written once.
    /** `@Job('payments.capture')` */
    class CapturePayment implements IJob {
      orderId: string;
    }
    /** One entry of the application's ledger. */
    interface LedgerEntry {
      orderId: string;
      charge: string;
    }
    const LEDGER: InjectionToken<Collection<LedgerEntry>>;
    /** The application's payment gateway client. */
    interface PaymentGateway {
      capture(orderId: string, idempotencyKey: string): Promise<string>;
    }
    const PAYMENT_GATEWAY: InjectionToken<PaymentGateway>;

    // Using your own command bus.
    /** A command bus the application already had. */
    interface MyBus {
      execute(command: object): Promise<unknown>;
    }
    const MY_BUS: InjectionToken<MyBus>;

    // NestJS.
    /** The application's root NestJS module. */
    class AppModule {}

    // OpenTelemetry.
    /** The application's OpenTelemetry `NodeSDK`, started in its telemetry.ts. */
    const sdk: { shutdown(): Promise<void> };
  }
}

/** Connect-style middleware, as the frameworks below take it. */
type ReadmeMiddleware = (
  req: import('node:http').IncomingMessage,
  res: import('node:http').ServerResponse,
  next: (error?: unknown) => void,
) => void;

declare module 'express' {
  interface Express {
    use(path: string, ...handlers: ReadmeMiddleware[]): this;
  }
  function express(): Express;
  export default express;
}

declare module 'fastify' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  export interface FastifyRequest {
    readonly raw: IncomingMessage;
  }
  export interface FastifyReply {
    readonly raw: ServerResponse;
    hijack(): this;
  }
  export type FastifyPluginAsync = (instance: FastifyInstance) => Promise<void>;
  export interface FastifyInstance {
    register(plugin: FastifyPluginAsync): PromiseLike<void>;
    /** Added by `@fastify/middie`. */
    use(path: string, handler: ReadmeMiddleware): this;
    all(path: string, handler: (request: FastifyRequest, reply: FastifyReply) => void): this;
    addContentTypeParser(
      contentType: string,
      parser: (
        request: FastifyRequest,
        payload: IncomingMessage,
        done: (error: Error | null, body?: unknown) => void,
      ) => void,
    ): this;
  }
  export default function fastify(): FastifyInstance;
}

declare module '@fastify/middie' {
  import type { FastifyPluginAsync } from 'fastify';

  const middie: FastifyPluginAsync;
  export default middie;
}

declare module '@nestjs/core' {
  interface INestApplication {
    use(path: string, handler: ReadmeMiddleware): this;
    get<T>(typeOrToken: { prototype: T }): T;
    listen(port: number): Promise<unknown>;
  }
  export const NestFactory: { create(module: unknown): Promise<INestApplication> };
}

// The OpenTelemetry Node SDK and its OTLP exporters, as far as the production guide uses them
// (the API and the SDK's trace and metrics packages are Docket's dev dependencies, typed for
// real).
declare module '@opentelemetry/sdk-node' {
  import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
  import type { IMetricReader } from '@opentelemetry/sdk-metrics';
  export * as metrics from '@opentelemetry/sdk-metrics';
  export class NodeSDK {
    constructor(configuration?: {
      serviceName?: string;
      traceExporter?: SpanExporter;
      metricReaders?: IMetricReader[];
    });
    start(): void;
    shutdown(): Promise<void>;
  }
}

declare module '@opentelemetry/exporter-trace-otlp-http' {
  import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
  export const OTLPTraceExporter: new (config?: { url?: string }) => SpanExporter;
}

declare module '@opentelemetry/exporter-metrics-otlp-http' {
  import type { PushMetricExporter } from '@opentelemetry/sdk-metrics';
  export const OTLPMetricExporter: new (config?: { url?: string }) => PushMetricExporter;
}
