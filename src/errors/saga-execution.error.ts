import { DocketError } from './docket-error';

/** One failure while a saga reacted to an event. */
export interface SagaFailure {
  /** The saga class's name. */
  readonly saga: string;
  /** The `@OnEvent` method that reacted. */
  readonly method: string;
  /** The command that failed; absent when the saga method itself threw. */
  readonly command?: object;
  /** What was thrown. */
  readonly error: unknown;
}

/**
 * Sagas failed while reacting to an event: a saga method threw, or a command it emitted
 * failed on the bus. Every failure of one `publish` is listed in
 * {@link SagaExecutionError.failures}; the first one is also the ES2022 `cause`.
 */
export class SagaExecutionError extends DocketError {
  /** Name of the published event's class. */
  readonly eventType: string;
  /** Every failure, in the order the sagas ran. */
  readonly failures: readonly SagaFailure[];

  /**
   * @param eventType - Name of the published event's class.
   * @param failures - At least one failure.
   */
  constructor(eventType: string, failures: readonly SagaFailure[]) {
    const summary = failures
      .map((failure) => {
        const where = `${failure.saga}.${failure.method}`;
        const what =
          failure.command === undefined
            ? 'threw'
            : `emitted ${failure.command.constructor?.name ?? 'a command'}, which failed`;
        return `${where} ${what}: ${messageOf(failure.error)}`;
      })
      .join('; ');
    super(
      `${failures.length} saga failure${failures.length === 1 ? '' : 's'} reacting to ${eventType}: ${summary}`,
      { cause: failures[0]?.error },
    );
    this.eventType = eventType;
    this.failures = Object.freeze([...failures]);
  }

  override get name(): string {
    return 'SagaExecutionError';
  }

  override get code(): string {
    return 'SAGA_EXECUTION';
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
