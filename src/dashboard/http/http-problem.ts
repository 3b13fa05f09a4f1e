/**
 * A request the dashboard refuses, with the status and the body of its one error shape
 * (`{ error: { code, message, details? } }`). Internal: the client sees the JSON.
 */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
    /** Extra response headers (`Allow`, `WWW-Authenticate`). */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }

  override get name(): string {
    return 'HttpProblem';
  }
}

/** 400 for a bad query or path parameter or body field, naming it. */
export function badRequest(
  code: string,
  message: string,
  details?: Record<string, unknown>,
): HttpProblem {
  return new HttpProblem(400, code, message, details);
}

/** 404 for an id that matches nothing. */
export function notFound(code: string, message: string): HttpProblem {
  return new HttpProblem(404, code, message);
}

/** 409 for an action the target's current state does not allow. */
export function conflict(
  code: string,
  message: string,
  details?: Record<string, unknown>,
): HttpProblem {
  return new HttpProblem(409, code, message, details);
}
