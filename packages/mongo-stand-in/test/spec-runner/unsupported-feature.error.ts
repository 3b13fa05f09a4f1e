/**
 * Thrown when a test needs something this runner or the target server cannot offer
 * (sessions, a fail point on a server without `configureFailPoint`...). The test is
 * reported as skipped with {@link UnsupportedFeatureError.message} as the reason, never
 * as passed.
 */
export class UnsupportedFeatureError extends Error {
  override get name(): string {
    return 'UnsupportedFeatureError';
  }
}
