import { useState } from 'preact/hooks';
import type { ApiEnqueueResult } from '../../../../src/dashboard/api-enqueue-types';
import type { ApiJobTypes } from '../../../../src/dashboard/api-types';
import { useApp } from '../app/app-context';
import { hrefs } from '../app/routes';
import { ErrorSummary, FormField, type FormErrors } from '../forms/form-field';
import { JobOptionFields } from '../forms/job-option-fields';
import { readJobOptions } from '../forms/option-fields';
import { errorsOfRefusal, PayloadFields, readPayload } from '../forms/payload-fields';
import { LoadState, PageFrame } from '../layout/page-frame';
import { useResource } from '../live/use-resource';

/** When the job runs: now, after a delay, or at a time. */
function readWhen(form: FormData): {
  when: Record<string, unknown>;
  errors: Record<string, string>;
} {
  const at = String(form.get('runAt') ?? '');
  const delay = String(form.get('delaySeconds') ?? '').trim();
  if (at !== '' && delay !== '') {
    return { when: {}, errors: { runAt: 'Give a delay or a time, not both.' } };
  }
  if (at !== '') {
    const time = new Date(at);
    return Number.isNaN(time.getTime())
      ? { when: {}, errors: { runAt: 'Not a time.' } }
      : { when: { runAt: time.toISOString() }, errors: {} };
  }
  if (delay !== '') {
    const seconds = Number(delay);
    return Number.isFinite(seconds) && seconds >= 0
      ? { when: { delayMs: Math.round(seconds * 1000) }, errors: {} }
      : { when: {}, errors: { delaySeconds: 'A number of seconds, 0 or more.' } };
  }
  return { when: {}, errors: {} };
}

/**
 * Enqueues (or schedules) a job of a type the dashboard's process has loaded: one field per
 * property of the type's payload schema, checked here against the rules the schema states,
 * then by the server against all of the class's rules; either's errors show on their fields.
 */
export function EnqueuePage({ type }: { type: string }) {
  const { config, api, navigate, flash } = useApp();
  const { data, error } = useResource<ApiJobTypes>('job-types');
  const [errors, setErrors] = useState<FormErrors>({});
  const [busy, setBusy] = useState(false);
  const schema = data?.schemas[type];
  const known = data?.types.includes(type) ?? false;
  if (config.readOnly) {
    return (
      <PageFrame title="Enqueue a job" busy={false}>
        <p class="empty">This dashboard is read-only.</p>
      </PageFrame>
    );
  }
  const submit = async (form: FormData) => {
    const payload = readPayload(form, schema);
    const options = readJobOptions(form, ['queue', 'priority', 'maxAttempts', 'uniqueKey']);
    const when = readWhen(form);
    const found = { ...payload.errors, ...options.errors, ...when.errors };
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    setBusy(true);
    try {
      const body = { type, payload: payload.payload, ...options.options, ...when.when };
      const { id } = (await api.act('POST', 'jobs', body)) as ApiEnqueueResult;
      flash.carry(`Job ${id} enqueued.`);
      navigate(hrefs.job(config.base, id));
    } catch (refused) {
      setErrors(errorsOfRefusal(refused, schema));
    } finally {
      setBusy(false);
    }
  };
  return (
    <PageFrame title="Enqueue a job" busy={data === undefined && error === undefined}>
      {data === undefined ? (
        <LoadState error={error} />
      ) : (
        <form
          class="job-form"
          aria-label="Enqueue a job"
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            if (!busy) void submit(new FormData(event.currentTarget));
          }}
        >
          <ErrorSummary errors={errors} />
          <FormField
            name="type"
            label="Job type"
            hint={
              data.types.length === 0
                ? 'No job type is loaded in the dashboard’s process.'
                : 'The types whose classes the dashboard’s process has loaded.'
            }
            control={(attributes) => (
              <select
                {...attributes}
                value={known ? type : ''}
                onChange={(event) =>
                  navigate(hrefs.enqueue(config.base, event.currentTarget.value))
                }
              >
                <option value="">Choose a type…</option>
                {data.types.map((name) => (
                  <option key={name} value={name}>
                    {name}
                  </option>
                ))}
              </select>
            )}
          />
          {known && (
            <>
              <fieldset>
                <legend>Payload</legend>
                <PayloadFields schema={schema} initial={{}} errors={errors} />
              </fieldset>
              <fieldset>
                <legend>Options</legend>
                <JobOptionFields
                  errors={errors}
                  priorityHint="-1000 to 1000; higher runs first; 0 when empty"
                />
                <FormField
                  name="uniqueKey"
                  label="Unique key"
                  hint="refused while an unfinished job holds the same key"
                  error={errors.uniqueKey}
                  control={(attributes) => <input {...attributes} autocomplete="off" />}
                />
                <FormField
                  name="delaySeconds"
                  label="Delay (seconds)"
                  hint="runs now when empty"
                  error={errors.delaySeconds}
                  control={(attributes) => <input {...attributes} inputMode="decimal" />}
                />
                <FormField
                  name="runAt"
                  label="Or run at (local time)"
                  error={errors.runAt}
                  control={(attributes) => <input {...attributes} type="datetime-local" />}
                />
              </fieldset>
              <button type="submit" class="btn primary" aria-disabled={busy ? 'true' : undefined}>
                Enqueue
              </button>
            </>
          )}
        </form>
      )}
    </PageFrame>
  );
}
