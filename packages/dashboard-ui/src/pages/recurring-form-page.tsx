import { useState } from 'preact/hooks';
import type { ApiJobTypes, ApiRecurringJob } from '../../../../src/dashboard/api-types';
import { useApp } from '../app/app-context';
import { hrefs } from '../app/routes';
import { ErrorSummary, FormField, type FormErrors } from '../forms/form-field';
import { JobOptionFields } from '../forms/job-option-fields';
import { readJobOptions } from '../forms/option-fields';
import { errorsOfRefusal, PayloadFields, readPayload } from '../forms/payload-fields';
import { LoadState, PageFrame } from '../layout/page-frame';
import { useResource } from '../live/use-resource';

const MISSED_RUN_POLICIES = [
  { value: 'runOnce', label: 'Run once for all missed occurrences' },
  { value: 'skip', label: 'Skip missed occurrences' },
  { value: 'backfill', label: 'Run each missed occurrence (at most 100)' },
];

const OVERLAP_POLICIES = [
  { value: 'allow', label: 'Run alongside the previous job' },
  { value: 'skip', label: 'Skip while the previous job is unfinished' },
  { value: 'queue', label: 'Wait for the previous job, then run' },
];

/** The schedule's shape as request fields; `errors` gets what is malformed. */
function readShape(form: FormData, errors: Record<string, string>): Record<string, unknown> {
  const text = (name: string) => String(form.get(name) ?? '').trim();
  const shape: Record<string, unknown> = {};
  const cron = text('cron');
  const every = text('everySeconds');
  if (cron !== '' && every !== '') errors.cron = 'Give a cron expression or an interval, not both.';
  else if (cron === '' && every === '') errors.cron = 'Required (or an interval).';
  else if (cron !== '') shape.cron = cron;
  else if (!/^\d+(\.\d+)?$/.test(every)) errors.everySeconds = 'A number of seconds.';
  else shape.everyMs = Math.round(Number(every) * 1000);
  for (const name of ['startAt', 'endAt']) {
    if (text(name) !== '') shape[name] = text(name);
  }
  const limit = text('repeatLimit');
  if (limit !== '') {
    if (/^\d+$/.test(limit)) shape.repeatLimit = Number(limit);
    else errors.repeatLimit = 'A whole number of runs.';
  }
  shape.overlap = text('overlap') || 'allow';
  return shape;
}

function RecurringForm({
  existing,
  types,
}: {
  existing: ApiRecurringJob | null;
  types: ApiJobTypes;
}) {
  const { config, api, navigate, flash } = useApp();
  const [type, setType] = useState(existing?.jobType ?? '');
  const [errors, setErrors] = useState<FormErrors>({});
  const [busy, setBusy] = useState(false);
  const schema = types.schemas[type];
  const known = types.types.includes(type);
  const submit = async (form: FormData) => {
    const id = existing?.id ?? String(form.get('id') ?? '').trim();
    const payload = readPayload(form, schema);
    const options = readJobOptions(form, ['queue', 'priority', 'maxAttempts']);
    const timeZone = String(form.get('timeZone') ?? '').trim();
    const found: Record<string, string> = { ...payload.errors, ...options.errors };
    if (id === '') found.id = 'Required.';
    const shape = readShape(form, found);
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    setBusy(true);
    try {
      await api.act('PUT', `recurring/${encodeURIComponent(id)}`, {
        type,
        payload: payload.payload,
        ...shape,
        ...(timeZone === '' || shape.everyMs !== undefined ? {} : { timeZone }),
        ...options.options,
        ...(existing?.timeoutMs == null ? {} : { timeoutMs: existing.timeoutMs }),
        missedRunPolicy: String(form.get('missedRunPolicy')),
      });
      flash.carry(`Recurring job ${id} ${existing === null ? 'created' : 'saved'}.`);
      navigate(hrefs.recurring(config.base));
    } catch (refused) {
      setErrors(errorsOfRefusal(refused, schema));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      class="job-form"
      aria-label={existing === null ? 'New recurring job' : `Edit recurring job ${existing.id}`}
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        if (!busy) void submit(new FormData(event.currentTarget));
      }}
    >
      <ErrorSummary errors={errors} />
      {existing === null && (
        <FormField
          name="id"
          label="Id"
          hint="a stable name: saving again under it updates the job"
          error={errors.id}
          control={(attributes) => <input {...attributes} autocomplete="off" spellcheck={false} />}
        />
      )}
      <FormField
        name="type"
        label="Job type"
        error={errors.type}
        control={(attributes) => (
          <select
            {...attributes}
            value={known ? type : ''}
            onChange={(event) => setType(event.currentTarget.value)}
          >
            <option value="">Choose a type…</option>
            {types.types.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        )}
      />
      <FormField
        name="cron"
        label="Cron expression"
        hint="5 fields (minute hour day month weekday), or 6 with seconds first; or an interval below"
        error={errors.cron}
        control={(attributes) => (
          <input
            {...attributes}
            class="mono"
            defaultValue={existing?.cron ?? ''}
            autocomplete="off"
            spellcheck={false}
          />
        )}
      />
      <FormField
        name="everySeconds"
        label="Interval (seconds)"
        hint="instead of a cron expression: one run every so many seconds (at least 1)"
        error={errors.everySeconds ?? errors.everyMs}
        control={(attributes) => (
          <input
            {...attributes}
            inputMode="decimal"
            defaultValue={existing?.everyMs == null ? '' : String(existing.everyMs / 1000)}
            autocomplete="off"
          />
        )}
      />
      {(['startAt', 'endAt'] as const).map((name) => (
        <FormField
          key={name}
          name={name}
          label={name === 'startAt' ? 'Start at' : 'End at'}
          hint={`ISO 8601 instant such as 2026-03-01T00:00:00Z; ${name === 'startAt' ? 'no start' : 'no end'} when empty`}
          error={errors[name]}
          control={(attributes) => (
            <input
              {...attributes}
              class="mono"
              defaultValue={existing?.[name] ?? ''}
              autocomplete="off"
            />
          )}
        />
      ))}
      <FormField
        name="repeatLimit"
        label="Repeat limit"
        hint="how many runs in all; no limit when empty"
        error={errors.repeatLimit}
        control={(attributes) => (
          <input
            {...attributes}
            inputMode="numeric"
            defaultValue={existing?.repeatLimit == null ? '' : String(existing.repeatLimit)}
            autocomplete="off"
          />
        )}
      />
      <FormField
        name="timeZone"
        label="Time zone"
        hint="IANA name such as Europe/Paris; UTC when empty"
        error={errors.timeZone}
        control={(attributes) => (
          <input {...attributes} defaultValue={existing?.timeZone} autocomplete="off" />
        )}
      />
      {known && (
        <fieldset key={type}>
          <legend>Payload</legend>
          <PayloadFields
            schema={schema}
            initial={existing?.jobType === type ? existing.payload : {}}
            errors={errors}
          />
        </fieldset>
      )}
      <fieldset>
        <legend>Options</legend>
        <JobOptionFields
          errors={errors}
          initial={existing ?? {}}
          priorityHint="-1000 to 1000; 0 when empty"
        />
        <FormField
          name="missedRunPolicy"
          label="Missed runs"
          hint="what happens to occurrences missed while no server ran"
          error={errors.missedRunPolicy}
          control={(attributes) => (
            <select {...attributes}>
              {MISSED_RUN_POLICIES.map((policy) => (
                <option
                  key={policy.value}
                  value={policy.value}
                  selected={policy.value === (existing?.missedRunPolicy ?? 'runOnce')}
                >
                  {policy.label}
                </option>
              ))}
            </select>
          )}
        />
        <FormField
          name="overlap"
          label="Overlap"
          hint="what an occurrence does while the previous job is unfinished"
          error={errors.overlap}
          control={(attributes) => (
            <select {...attributes}>
              {OVERLAP_POLICIES.map((policy) => (
                <option
                  key={policy.value}
                  value={policy.value}
                  selected={policy.value === (existing?.overlap ?? 'allow')}
                >
                  {policy.label}
                </option>
              ))}
            </select>
          )}
        />
      </fieldset>
      <button type="submit" class="btn primary" aria-disabled={busy ? 'true' : undefined}>
        {existing === null ? 'Create' : 'Save'}
      </button>
    </form>
  );
}

/**
 * Creates a recurring job (`id` null) or edits one: type, cron or interval, time zone, window,
 * repeat limit, overlap, payload (fields from the type's schema, as on the enqueue page) and
 * options; saved by `PUT api/recurring/{id}`, which checks all of it before it writes
 * anything.
 */
export function RecurringFormPage({ id }: { id: string | null }) {
  const { config } = useApp();
  const types = useResource<ApiJobTypes>('job-types');
  const recurring = useResource<readonly ApiRecurringJob[]>(id === null ? null : 'recurring');
  const loadedJob =
    id === null ? null : (recurring.data?.find((job) => job.id === id) ?? undefined);
  const title = id === null ? 'New recurring job' : `Edit recurring job ${id}`;
  const error = types.error ?? recurring.error;
  const ready = types.data !== undefined && (id === null || recurring.data !== undefined);
  if (config.readOnly) {
    return (
      <PageFrame title={title} busy={false}>
        <p class="empty">This dashboard is read-only.</p>
      </PageFrame>
    );
  }
  return (
    <PageFrame title={title} busy={!ready && error === undefined}>
      {!ready ? (
        <LoadState error={error} />
      ) : id !== null && loadedJob === undefined ? (
        <p class="empty">No recurring job has the id {id}.</p>
      ) : (
        // Its fields are filled once (default values): later polls never overwrite typing.
        <RecurringForm existing={loadedJob ?? null} types={types.data!} />
      )}
    </PageFrame>
  );
}
