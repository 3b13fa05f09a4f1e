import type { ApiJobDetail } from '../../../../src/dashboard/api-types';
import { useApp } from '../app/app-context';
import { hrefs } from '../app/routes';
import { AppLink } from '../parts/app-link';
import { DataTable } from '../parts/data-table';
import { byteSize } from '../parts/format';
import { RelativeTime } from '../parts/relative-time';

const json = (value: unknown) => JSON.stringify(value, null, 2);

/**
 * What the job returned, and for a continuation what the job it continues returned, as
 * JSON text like the payload; nothing when there is neither.
 */
export function ResultPanels({ job }: { job: ApiJobDetail }) {
  const { config } = useApp();
  return (
    <>
      {job.result !== undefined && (
        <section class="panel">
          <h2>Result</h2>
          <pre id="job-result">{json(job.result)}</pre>
        </section>
      )}
      {job.parentResult !== undefined && job.parentId !== null && (
        <section class="panel">
          <h2>Result of the job it continues</h2>
          <p class="muted">
            What{' '}
            <AppLink class="mono" href={hrefs.job(config.base, job.parentId)}>
              {job.parentId}
            </AppLink>{' '}
            returned.
          </p>
          <pre id="job-parent-result">{json(job.parentResult)}</pre>
        </section>
      )}
    </>
  );
}

const COLUMNS = [
  { title: 'Name' },
  { title: 'Size', numeric: true },
  { title: 'Type' },
  { title: 'Attempt', numeric: true },
  { title: 'Stored' },
];

/**
 * The files the job's handlers stored, each a download link (the API serves them as
 * attachments, never as pages of the dashboard); nothing when there are none.
 */
export function ArtefactsPanel({ job }: { job: ApiJobDetail }) {
  const { config } = useApp();
  if (job.artefacts.length === 0) return null;
  const base = `${config.base}api/jobs/${encodeURIComponent(job.id)}/artefacts/`;
  return (
    <section class="panel artefacts" id="job-artefacts">
      <h2>Artefacts</h2>
      <DataTable label="Artefacts" columns={COLUMNS}>
        {job.artefacts.map((artefact) => (
          <tr key={artefact.name}>
            <td class="artefact-name">
              <a href={base + encodeURIComponent(artefact.name)} download="">
                {artefact.name}
              </a>
            </td>
            <td class="num">{byteSize(artefact.size)}</td>
            <td>{artefact.contentType}</td>
            <td class="num">{artefact.attempt}</td>
            <td>
              <RelativeTime iso={artefact.at} />
            </td>
          </tr>
        ))}
      </DataTable>
    </section>
  );
}
