/** Something that stops gracefully (a `Docket`, a `JobServer`). */
export interface Closable {
  /** Called on the first signal when present (`Docket.close`). */
  close?(): Promise<void>;
  /** Called on the first signal when there is no `close` (`JobServer.stop`). */
  stop?(): Promise<void>;
}

/** Options of {@link handleShutdownSignals}. */
export interface ShutdownSignalOptions {
  /** @defaultValue `['SIGTERM', 'SIGINT']` */
  readonly signals?: readonly NodeJS.Signals[];
  /**
   * Exit the process once stopped (code 0, or 1 when stopping failed).
   * @defaultValue `true`
   */
  readonly exit?: boolean;
  /** Called with anything stopping threw. @defaultValue writes it to stderr */
  readonly onError?: (error: unknown) => void;
}

/**
 * Opt-in: stops `target` gracefully on SIGTERM/SIGINT (the first signal; a second one exits
 * at once). Returns a function that removes the handlers.
 */
export function handleShutdownSignals(
  target: Closable,
  options: ShutdownSignalOptions = {},
): () => void {
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  const exit = options.exit ?? true;
  const onError =
    options.onError ??
    ((error: unknown) => process.stderr.write(`docket: stopping failed: ${String(error)}\n`));
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      process.exit(130);
    }
    stopping = true;
    process.stderr.write(`docket: ${signal} received, stopping gracefully\n`);
    const stop = target.close?.bind(target) ?? target.stop?.bind(target);
    void Promise.resolve(stop?.())
      .then(() => {
        if (exit) process.exit(0);
      })
      .catch((error: unknown) => {
        onError(error);
        if (exit) process.exit(1);
      });
  };
  for (const signal of signals) process.on(signal, onSignal);
  return () => {
    for (const signal of signals) process.off(signal, onSignal);
  };
}
