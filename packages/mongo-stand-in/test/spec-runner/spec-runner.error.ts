/**
 * A test this runner cannot run as written (an undefined entity, an unknown operation or
 * argument, a malformed expectation) or a failed assertion of a special operation
 * (`assertCollectionExists`...). It fails the test, and is never mistaken for the error an
 * operation was expected to raise.
 */
export class SpecRunnerError extends Error {
  override get name(): string {
    return 'SpecRunnerError';
  }
}
