import type { InjectionToken } from 'tsyringe';

/** How long a customer has to pay before the order is cancelled (ms). */
export const PAYMENT_WINDOW_MS: InjectionToken<number> = Symbol('PAYMENT_WINDOW_MS');

/** Where the app reports what happens (console in main.ts, nothing in tests). */
export const ORDER_LOG: InjectionToken<(line: string) => void> = Symbol('ORDER_LOG');
