import { useState, type ReactNode } from 'react';
import type { FieldError, FormValue } from '../../main/api/form-validation.js';
import { validateField } from '../../main/api/form-validation.js';
import type { Catalog, CatalogField, PrefillView, VisitView } from '../../main/api/views.js';
import { keyboardField } from '../components/keyboard/field.js';
import { useI18n } from '../i18n/i18n.js';

type Forms = Record<string, Record<string, FormValue>>;

const INPUT_MODE: Readonly<Record<string, 'numeric' | 'tel' | 'text'>> = { digits: 'numeric', phone: 'tel' };

/** One field: kiosk-sized control, label, hint, the "from your ID card" marker, and its error in words. */
function Field({
  id,
  field,
  value,
  prefill,
  error,
  onChange,
}: {
  readonly id: string;
  readonly field: CatalogField;
  readonly value: FormValue | undefined;
  readonly prefill: PrefillView | undefined;
  readonly error: FieldError | undefined;
  readonly onChange: (value: FormValue) => void;
}): ReactNode {
  const { t, l } = useI18n();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [field.hint ? hintId : '', error ? errorId : ''].filter(Boolean).join(' ') || undefined;
  const label = (
    <>
      {l(field.label)}
      {!field.required && field.type !== 'checkbox' ? (
        <span className="optional"> （{t('form.optional')}）</span>
      ) : null}
      {prefill ? <span className="prefilled-mark">{t('form.prefilled')}</span> : null}
    </>
  );
  const hint = field.hint ? (
    <span id={hintId} className="field-hint">
      {l(field.hint)}
    </span>
  ) : null;
  const message = error ? (
    <span id={errorId} className="field-error">
      {t(`form.${error.code}`, error.limit === undefined ? undefined : { limit: error.limit })}
    </span>
  ) : null;

  if (field.type === 'select') {
    return (
      <fieldset className="field" aria-invalid={error ? true : undefined} aria-describedby={describedBy}>
        <legend>{label}</legend>
        {hint}
        <div className="options">
          {(field.options ?? []).map((o) => (
            <label key={o.value} className="option">
              <input type="radio" name={id} checked={value === o.value} onChange={() => onChange(o.value)} />
              {l(o.label)}
            </label>
          ))}
        </div>
        {message}
      </fieldset>
    );
  }
  if (field.type === 'checkbox') {
    return (
      <div className="field">
        <label className="option">
          <input
            type="checkbox"
            checked={value === true}
            aria-invalid={error ? true : undefined}
            aria-describedby={describedBy}
            onChange={(e) => onChange(e.target.checked)}
          />
          {label}
        </label>
        {hint}
        {message}
      </div>
    );
  }
  const common = {
    id,
    value: prefill ? prefill.value : typeof value === 'string' ? value : '',
    readOnly: prefill !== undefined,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': describedBy,
    autoComplete: 'off',
    maxLength: field.validation?.maxLength,
    ...keyboardField(field.inputMethod),
  } as const;
  return (
    <div className={prefill ? 'field prefilled' : 'field'}>
      <label htmlFor={id}>{label}</label>
      {hint}
      {field.type === 'textarea' ? (
        <textarea {...common} rows={3} onChange={(e) => onChange(e.target.value)} />
      ) : (
        <input
          {...common}
          type={field.type === 'date' ? 'date' : 'text'}
          inputMode={INPUT_MODE[field.type] ?? 'text'}
          lang={field.inputMethod === 'chinese' ? 'zh-CN' : undefined}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
      {message}
    </div>
  );
}

/** The forms of every chosen service on one screen, built from the catalog. */
export function FormScreen({
  visit,
  catalog,
  onSubmit,
  onCancel,
}: {
  readonly visit: VisitView;
  readonly catalog: Catalog;
  readonly onSubmit: (forms: Forms) => Promise<readonly (FieldError & { serviceId: string })[] | null>;
  readonly onCancel: () => void;
}): ReactNode {
  const { t, l } = useI18n();
  const [forms, setForms] = useState<Forms>({});
  const [errors, setErrors] = useState<readonly (FieldError & { serviceId: string })[]>([]);
  const [busy, setBusy] = useState(false);
  const services = visit.serviceIds
    .map((id) => catalog.services.find((s) => s.id === id))
    .filter((s) => s !== undefined);

  const submit = async (): Promise<void> => {
    const local: (FieldError & { serviceId: string })[] = [];
    for (const s of services) {
      for (const f of s.form.fields) {
        if (visit.prefill[s.id]?.[f.id]) continue;
        const e = validateField(f, forms[s.id]?.[f.id]);
        if (e) local.push({ ...e, serviceId: s.id });
      }
    }
    setErrors(local);
    if (local.length > 0) return;
    setBusy(true);
    const remote = await onSubmit(forms);
    setBusy(false);
    if (remote) setErrors(remote);
  };

  return (
    <section className="form-screen" aria-labelledby="form-title">
      <h1 id="form-title">{t('form.title')}</h1>
      {visit.faceCheck === 'officer-review' ? (
        <p className="notice-inline">{t('confirm.faceReview')}</p>
      ) : null}
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        {services.map((s) => (
          <section key={s.id} className="service-form" aria-labelledby={`svc-${s.id}`}>
            <h2 id={`svc-${s.id}`}>{l(s.name)}</h2>
            {s.form.fields.length === 0 ? <p>{t('form.noFields')}</p> : null}
            {s.form.fields.map((f) => (
              <Field
                key={f.id}
                id={`f-${s.id}-${f.id}`}
                field={f}
                value={forms[s.id]?.[f.id]}
                prefill={visit.prefill[s.id]?.[f.id]}
                error={errors.find((e) => e.serviceId === s.id && e.fieldId === f.id)}
                onChange={(value) =>
                  setForms((prev) => ({ ...prev, [s.id]: { ...prev[s.id], [f.id]: value } }))
                }
              />
            ))}
          </section>
        ))}
        {errors.length > 0 ? (
          <p role="alert" className="problem">
            {t('form.fix')}
          </p>
        ) : null}
        <div className="actions">
          <button type="button" onClick={onCancel} disabled={busy}>
            {t('nav.cancel')}
          </button>
          <button type="submit" className="primary" disabled={busy}>
            {busy ? t('form.submitting') : t('form.submit')}
          </button>
        </div>
      </form>
    </section>
  );
}
