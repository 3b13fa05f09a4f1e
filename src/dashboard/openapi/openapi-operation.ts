/** The building blocks of the OpenAPI document's operations: answers, parameters, errors. */

import { object, ref, str, type Schema } from './schema-builders';

/** An error answer, in the one error shape. */
export const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: ref('Error') } },
});

/** A JSON answer of the given schema. */
export const jsonResponse = (description: string, schema: Schema) => ({
  description,
  content: { 'application/json': { schema } },
});

/** Answers every operation may give. */
export const COMMON_ERRORS = {
  '400': errorResponse(
    'Invalid input (INVALID_INPUT, UNKNOWN_PARAMETER, INVALID_CURSOR...), or a path with dot segments, // or backslashes (NON_CANONICAL_PATH)',
  ),
  '401': errorResponse('The authorize hook refused the request (UNAUTHORIZED)'),
  '403': errorResponse('Loopback-only dashboard reached from elsewhere (LOOPBACK_ONLY)'),
  '500': errorResponse('Unexpected failure (INTERNAL)'),
  '503': errorResponse('MongoDB unavailable (STORAGE_UNAVAILABLE)'),
};

/** Further answers of actions (POST, PUT and DELETE). */
export const ACTION_ERRORS = {
  '403': errorResponse(
    'READ_ONLY dashboard, CROSS_SITE_REQUEST (Origin / Sec-Fetch-Site), or LOOPBACK_ONLY',
  ),
  '413': errorResponse(
    'Body larger than maxBodyBytes (PAYLOAD_TOO_LARGE); the connection is closed without reading it',
  ),
  '415': errorResponse('Content-Type is not application/json (UNSUPPORTED_MEDIA_TYPE)'),
};

/** A path parameter (always a string). */
export const pathParameter = (name: string, description: string) => ({
  name,
  in: 'path',
  required: true,
  description,
  schema: str,
});

/**
 * An operation: its success answers, then the answers every operation may give, and those of
 * actions when `action` (with an empty JSON body unless it has one of its own).
 */
export function operation(
  operationId: string,
  summary: string,
  success: Record<string, unknown>,
  extra: { parameters?: unknown[]; requestBody?: unknown; errors?: Record<string, unknown> } = {},
  action = false,
): Record<string, unknown> {
  return {
    operationId,
    summary,
    ...(extra.parameters ? { parameters: extra.parameters } : {}),
    ...(extra.requestBody
      ? { requestBody: extra.requestBody }
      : action
        ? {
            requestBody: {
              required: false,
              description: 'No fields: send {} (or nothing) with Content-Type: application/json',
              content: { 'application/json': { schema: object({}) } },
            },
          }
        : {}),
    responses: {
      ...success,
      ...COMMON_ERRORS,
      ...(action ? ACTION_ERRORS : {}),
      ...(extra.errors ?? {}),
    },
  };
}

/** The answer of an action that changes one thing. */
export const ok = jsonResponse('Done', ref('ActionResult'));
