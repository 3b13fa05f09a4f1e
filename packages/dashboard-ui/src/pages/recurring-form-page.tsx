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
];

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
    const cron = String(form.get('cron') ?? '').trim();
    const timeZone = String(form.get('timeZone') ?? '').trim();
    const found: Record<string, string> = { ...payload.errors, ...options.errors };
    if (id === '') found.id = 'Required.';
    if (cron === '') found.cron = 'Required.';
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    setBusy(true);
    try {
      await api.act('PUT', `recurring/${encodeURIComponent(id)}`, {
        type,
        payload: payload.payload,
        cron,
        ...(timeZone === '' ? {} : { timeZone }),
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
        hint="5 fields (minute hour day month weekday), or 6 with seconds first"
        error={errors.cron}
        control={(attributes) => (
          <input
            {...attributes}
            class="mono"
            defaultValue={existing?.cron}
            autocomplete="off"
            spellcheck={false}
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
      </fieldset>
      <button type="submit" class="btn primary" aria-disabled={busy ? 'true' : undefined}>
        {existing === null ? 'Create' : 'Save'}
      </button>
    </form>
  );
}

/**
 * Creates a recurring job (`id` null) or edits one: type, cron, time zone, payload (fields
 * from the type's schema, as on the enqueue page) and options; saved by `PUT
 * api/recurring/{id}`, which checks all of it before it writes anything.
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
