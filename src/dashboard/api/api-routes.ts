import { openApiDocument } from '../openapi/openapi-document';
import { ok, type ApiRoute } from './api-route';
import { ATTACHMENT_ROUTES } from './attachment-routes';
import { BATCH_ROUTES } from './batch-routes';
import { EVENT_ROUTES } from './event-routes';
import { FLEET_ROUTES } from './fleet-routes';
import { JOB_BULK_ROUTE } from './job-bulk-route';
import { JOB_EDIT_ROUTES } from './job-edit-routes';
import { JOB_ROUTES } from './job-routes';
import { RECURRING_ROUTES } from './recurring-routes';
import { SCHEMA_ROUTE } from './schema-route';

let document: string | undefined;

/** Every endpoint of the API (the OpenAPI document describes exactly these). */
export const API_ROUTES: readonly ApiRoute[] = [
  ...FLEET_ROUTES,
  ...JOB_ROUTES,
  ...JOB_EDIT_ROUTES,
  JOB_BULK_ROUTE,
  ...RECURRING_ROUTES,
  ...BATCH_ROUTES,
  ...ATTACHMENT_ROUTES,
  SCHEMA_ROUTE,
  ...EVENT_ROUTES,
  {
    method: 'GET',
    path: 'api/openapi.json',
    operationId: 'getOpenApi',
    async handle() {
      document ??= JSON.stringify(openApiDocument());
      return ok(JSON.parse(document));
    },
  },
];
