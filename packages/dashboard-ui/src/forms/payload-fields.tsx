import type { ApiJsonSchema } from '../../../../src/dashboard/api-types';
import { ApiError } from '../live/api-client';
import { FormField, type FormErrors } from './form-field';
import { fieldOfIssuePath, fieldsOf, fieldText, readField, type FieldSpec } from './schema-fields';

/** Input names of payload fields: `payload.<field>`; the whole payload as JSON: `payload`. */
const PAYLOAD = 'payload';
const inputName = (field: string) => `${PAYLOAD}.${field}`;

/**
 * The payload's fields, one control per property of the type's schema (a type whose schema
 * states no properties gets one JSON box), filled from `initial`.
 */
export function PayloadFields({
  schema,
  initial,
  errors,
}: {
  schema: ApiJsonSchema | undefined;
  initial: Readonly<Record<string, unknown>>;
  errors: FormErrors;
}) {
  const fields = fieldsOf(schema);
  if (fields.length === 0) {
    return (
      <FormField
        name={PAYLOAD}
        label="Payload (JSON object)"
        hint="This type states no fields; the server checks the payload."
        error={errors[PAYLOAD]}
        control={(attributes) => (
          <textarea
            {...attributes}
            rows={4}
            spellcheck={false}
            defaultValue={JSON.stringify(initial, null, 2)}
          />
        )}
      />
    );
  }
  return (
    <>
      {fields.map((spec) => (
        <FormField
          key={spec.name}
          name={inputName(spec.name)}
          label={
            <>
              {spec.name}
              {spec.required ? '' : <span class="muted"> (optional)</span>}
            </>
          }
          hint={spec.hint}
          error={errors[inputName(spec.name)]}
          control={(attributes) => (
            <FieldControl spec={spec} value={initial[spec.name]} {...attributes} />
          )}
        />
      ))}
    </>
  );
}

function FieldControl({
  spec,
  value,
  ...attributes
}: {
  spec: FieldSpec;
  value: unknown;
  id: string;
  name: string;
  'aria-invalid': 'true' | undefined;
  'aria-describedby': string | undefined;
}) {
  const text = fieldText(spec, value);
  if (spec.kind === 'boolean' || spec.kind === 'choice') {
    const choices = spec.kind === 'boolean' ? ['true', 'false'] : spec.choices.map(String);
    return (
      <select {...attributes}>
        <option value="" selected={text === ''}>
          {spec.required ? 'Choose…' : 'Not set'}
        </option>
        {choices.map((choice) => (
          <option key={choice} value={choice} selected={choice === text}>
            {choice}
          </option>
        ))}
      </select>
    );
  }
  if (spec.kind === 'json') {
    return <textarea {...attributes} rows={3} spellcheck={false} defaultValue={text} />;
  }
  return (
    <input
      {...attributes}
      defaultValue={text}
      inputMode={spec.kind === 'text' ? undefined : 'decimal'}
      autocomplete="off"
      spellcheck={false}
    />
  );
}

/** The payload a form holds, or the errors of its fields (by input name). */
export function readPayload(
  form: FormData,
  schema: ApiJsonSchema | undefined,
): { payload: Record<string, unknown>; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const fields = fieldsOf(schema);
  if (fields.length === 0) {
    const text = String(form.get(PAYLOAD) ?? '').trim();
    if (text === '') return { payload: {}, errors };
    try {
      const value: unknown = JSON.parse(text);
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
        return { payload: value as Record<string, unknown>, errors };
      }
      errors[PAYLOAD] = 'Must be a JSON object.';
    } catch {
      errors[PAYLOAD] = 'Not valid JSON.';
    }
    return { payload: {}, errors };
  }
  const payload: Record<string, unknown> = {};
  for (const spec of fields) {
    const reading = readField(spec, String(form.get(inputName(spec.name)) ?? ''));
    if ('error' in reading) errors[inputName(spec.name)] = reading.error;
    else if (reading.value !== undefined) payload[spec.name] = reading.value;
  }
  return { payload, errors };
}

/**
 * The errors of a refused request, by input name: the validation issues of the payload on
 * their fields, a refused option on its field (`queue`, `cron`...), anything else on the
 * form itself.
 */
export function errorsOfRefusal(error: unknown, schema: ApiJsonSchema | undefined): FormErrors {
  if (!(error instanceof ApiError)) {
    return { '': error instanceof Error ? error.message : String(error) };
  }
  const { details } = error;
  const hasFields = fieldsOf(schema).length > 0;
  const payloadInput = (path: string) => (hasFields ? inputName(fieldOfIssuePath(path)) : PAYLOAD);
  if (error.code === 'JOB_VALIDATION' && Array.isArray(details.issues)) {
    const errors: Record<string, string> = {};
    for (const issue of details.issues as { path?: unknown; constraints?: unknown }[]) {
      const path = typeof issue.path === 'string' ? issue.path : '';
      const messages = Object.values((issue.constraints ?? {}) as Record<string, string>);
      const name = path === '' ? '' : payloadInput(path);
      errors[name] = [errors[name], ...messages].filter(Boolean).join('; ');
    }
    return errors;
  }
  if (error.code === 'NON_SERIALIZABLE_PAYLOAD' && typeof details.path === 'string') {
    return { [payloadInput(details.path)]: error.message };
  }
  if (typeof details.field === 'string') return { [details.field]: error.message };
  return { '': error.message };
}
