import { DocketError, type DocketErrorDetails } from './docket-error';

/**
 * A feature needs an optional peer dependency that the application has not installed
 * (the testing entry point's MongoDB stand-in or mongodb-memory-server). The message says
 * which package to install and how.
 */
export class MissingPeerDependencyError extends DocketError {
  /** The npm package names that would satisfy the need, in order of preference. */
  readonly packages: readonly string[];

  /**
   * @param message - What was needed, which packages provide it, and the install command.
   * @param packages - The packages that would satisfy the need.
   * @param details - Further context; `details.cause` keeps the module loader's error.
   */
  constructor(message: string, packages: readonly string[], details: DocketErrorDetails = {}) {
    super(message, details);
    this.packages = Object.freeze([...packages]);
  }

  override get name(): string {
    return 'MissingPeerDependencyError';
  }

  override get code(): string {
    return 'MISSING_PEER_DEPENDENCY';
  }
}
