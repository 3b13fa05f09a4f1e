import type { ApiJobLogPage } from '../api-types';
import { badRequest, notFound } from '../http/http-problem';
import { ok, type ApiContext, type ApiRoute } from './api-route';
import { idParam, limitQuery, queryValue } from './api-params';

/** `after`: a line's place in the job's log (an integer ≥ 0), 0 when absent. */
function afterQuery(context: ApiContext): number {
  const value = queryValue(context, 'after');
  if (value === null) return 0;
  if (!/^\d{1,15}$/.test(value)) {
    throw badRequest(
      'INVALID_INPUT',
      `after must be an integer ≥ 0 (a line's seq), got ${JSON.stringify(value.slice(0, 40))}`,
      { field: 'after' },
    );
  }
  return Number(value);
}

async function requireJob(context: ApiContext, id: string): Promise<void> {
  if ((await context.docket.getJob(id)) === null) {
    throw notFound('JOB_NOT_FOUND', `Job '${id}' was not found`);
  }
}

/** What a job produced besides its result: its log, and its artefacts' bytes. */
export const ATTACHMENT_ROUTES: readonly ApiRoute[] = [
  {
    method: 'GET',
    path: 'api/jobs/{id}/logs',
    operationId: 'getJobLogs',
    query: ['after', 'limit'],
    async handle(context) {
      const id = idParam(context, 'id');
      const after = afterQuery(context);
      const limit = limitQuery(context);
      const page = await context.docket.getJobLogs(id, { after, limit });
      // An empty page may be an unknown job: only then is the job read.
      if (page.lines.length === 0) await requireJob(context, id);
      const body: ApiJobLogPage = {
        lines: page.lines.map((line) => ({
          seq: line.seq,
          attempt: line.attempt,
          at: line.at.toISOString(),
          level: line.level,
          message: line.message,
          ...(line.meta === undefined ? {} : { meta: line.meta }),
          ...(line.truncated ? { truncated: true as const } : {}),
        })),
        next: page.next,
      };
      return ok(body);
    },
  },
  {
    method: 'GET',
    path: 'api/jobs/{id}/artefacts/{name}',
    operationId: 'downloadArtefact',
    async handle(context) {
      const id = idParam(context, 'id');
      const name = idParam(context, 'name');
      const opened = await context.docket.openArtefact(id, name);
      if (opened === null) {
        throw notFound(
          'ARTEFACT_NOT_FOUND',
          `Job '${id}' has no artefact named ${JSON.stringify(name)}`,
        );
      }
      return {
        status: 200,
        body: null,
        file: { stream: opened.stream, size: opened.info.size, filename: opened.info.name },
      };
    },
  },
];
