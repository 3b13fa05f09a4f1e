import { DocketApiError } from './docket-api.error';

/** The API refused the input: 400 (bad parameter or body), 413 (too large), 415 (not JSON) or 422 (unknown job type, invalid payload: see `issues`). */
export class ApiValidationError extends DocketApiError {
  /** For `JOB_VALIDATION`: every failed rule of the payload (path, constraints, value). */
  get issues(): readonly {
    /** Dotted path of the offending property, with array indexes in brackets: `items[0].sku`. */
    path: string;
    /** Failed constraints by class-validator name, e.g. `{ isEmail: 'to must be an email' }`. */
    constraints: Record<string, string>;
    /** The offending value, as the validator saw it, when the API sent it. */
    value?: unknown;
  }[] {
    const issues = this.details?.issues;
    return Array.isArray(issues) ? (issues as never[]) : [];
  }

  override get name(): string {
    return 'ApiValidationError';
  }

  override get code(): string {
    return 'API_VALIDATION';
  }
}
