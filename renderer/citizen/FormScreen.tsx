import { useEffect, useState, type ReactNode } from 'react';
import type { FieldError, FormValue } from '../../main/api/form-validation.js';
import { validateField } from '../../main/api/form-validation.js';
import type { Catalog, CatalogField, PrefillView, VisitView } from '../../main/api/views.js';
import { BackButton } from '../components/BackButton.js';
import { DatePicker } from '../components/DatePicker.js';
import { ErrorSummary, focusField, type ErrorSummaryItem } from '../components/ErrorSummary.js';
import { keyboardField } from '../components/keyboard/field.js';
import { useI18n, type I18n } from '../i18n/i18n.js';

/** What the citizen typed, per service, per field: kept by the caller across steps (Back loses nothing). */
export type Forms = Readonly<Record<string, Readonly<Record<string, FormValue>>>>;

/** A refused field of one service. */
type ServiceFieldError = FieldError & { readonly serviceId: string };

/** A refused field's problem in words. */
function errorText(t: I18n['t'], error: FieldError): string {
  return t(`form.${error.code}`, error.limit === undefined ? undefined : { limit: error.limit });
}

/** Rows of a letter box: long texts (the chief's mailbox allows 2,000 characters) get a box to match. */
function textareaRows(maxLength: number | undefined): number {
  if (maxLength === undefined || maxLength <= 300) return 4;
  return maxLength >= 1000 ? 12 : 8;
}

/** "123 / 2000" under a field with a length limit, counted as the core counts (characters, not code units). */
function CharCount({
  id,
  value,
  max,
}: {
  readonly id: string;
  readonly value: string;
  readonly max: number;
}): ReactNode {
  const { t } = useI18n();
  const count = [...value].length;
  return (
    <span id={id} className={count > max ? 'char-count over' : 'char-count'}>
      <span aria-hidden="true">
        {count} / {max}
      </span>
      <span className="visually-hidden">{t('form.charCount', { count, max })}</span>
    </span>
  );
}

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
  const { t, l, locale } = useI18n();
  const labelId = `${id}-label`;
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const countId = `${id}-count`;
  const maxLength = field.validation?.maxLength;
  const counted = field.type === 'textarea' && maxLength !== undefined && !prefill;
  const describedBy =
    [field.hint ? hintId : '', error ? errorId : '', counted ? countId : ''].filter(Boolean).join(' ') ||
    undefined;
  const label = (
    <>
      {l(field.label)}
      {!field.required && field.type !== 'checkbox' ? (
        <span className="optional">
          {locale === 'en' ? ` (${t('form.optional')})` : `（${t('form.optional')}）`}
        </span>
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
      {errorText(t, error)}
    </span>
  ) : null;

  if (field.type === 'select') {
    return (
      <fieldset
        id={id}
        className="field"
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
      >
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
  const text = prefill ? prefill.value : typeof value === 'string' ? value : '';
  if (field.type === 'date' && !prefill) {
    return (
      <div className="field">
        <span id={labelId} className="field-label">
          {label}
        </span>
        {hint}
        <DatePicker
          id={id}
          labelId={labelId}
          value={text}
          invalid={error !== undefined}
          describedBy={describedBy}
          onChange={onChange}
        />
        {message}
      </div>
    );
  }
  const common = {
    id,
    value: text,
    readOnly: prefill !== undefined,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': describedBy,
    autoComplete: 'off',
    maxLength: field.validation?.maxLength,
    ...keyboardField(field.inputMethod),
  } as const;
  return (
    <div className={prefill ? 'field prefilled' : 'field'}>
      <label htmlFor={id} id={labelId}>
        {label}
      </label>
      {hint}
      {field.type === 'textarea' ? (
        <textarea {...common} rows={textareaRows(maxLength)} onChange={(e) => onChange(e.target.value)} />
      ) : (
        <input
          {...common}
          type="text"
          inputMode={INPUT_MODE[field.type] ?? 'text'}
          lang={field.inputMethod === 'chinese' ? 'zh-CN' : undefined}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
      {counted ? <CharCount id={countId} value={text} max={maxLength} /> : null}
      {message}
    </div>
  );
}

/**
 * The forms of every chosen service on one screen, built from the catalog. On a refused submit every problem is
 * listed at the top by field name, and the first refused field is scrolled to and focused.
 */
export function FormScreen({
  visit,
  catalog,
  forms,
  onFormsChange,
  onSubmit,
  onBack,
  onCancel,
}: {
  readonly visit: VisitView;
  readonly catalog: Catalog;
  readonly forms: Forms;
  readonly onFormsChange: (forms: Forms) => void;
  readonly onSubmit: (forms: Forms) => Promise<readonly ServiceFieldError[] | null>;
  readonly onBack: () => void;
  readonly onCancel: () => void;
}): ReactNode {
  const { t, l } = useI18n();
  const [errors, setErrors] = useState<readonly ServiceFieldError[]>([]);
  // Bumped by each refused submit: the first refused field is focused once the errors are on screen.
  const [refusals, setRefusals] = useState(0);
  const [busy, setBusy] = useState(false);
  const services = visit.serviceIds
    .map((id) => catalog.services.find((s) => s.id === id))
    .filter((s) => s !== undefined);
  const domId = (serviceId: string, fieldId: string): string => `f-${serviceId}-${fieldId}`;

  // In screen order (service by service, field by field), whatever order the core reported them in.
  const summary: ErrorSummaryItem[] = [];
  for (const s of services) {
    const mine = errors.filter((e) => e.serviceId === s.id);
    const rank = (e: ServiceFieldError): number => {
      const at = s.form.fields.findIndex((f) => f.id === e.fieldId);
      return at === -1 ? s.form.fields.length : at;
    };
    for (const e of [...mine].sort((a, b) => rank(a) - rank(b))) {
      const field = s.form.fields.find((f) => f.id === e.fieldId);
      // Two services may ask for the same field (a phone number): name the service too when there are several.
      const name = field ? `${l(field.label)}${services.length > 1 ? ` · ${l(s.name)}` : ''}` : l(s.name);
      summary.push({
        key: `${s.id}/${e.fieldId}`,
        targetId: field ? domId(s.id, field.id) : null,
        text: t('form.errorItem', {
          field: name,
          message: errorText(t, e),
        }),
      });
    }
  }
  const firstTarget = summary.find((item) => item.targetId !== null)?.targetId ?? null;

  useEffect(() => {
    if (refusals > 0 && firstTarget) focusField(firstTarget);
    // Only when a submit was refused, not on every edit that changes which field comes first.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [refusals]);

  const refuse = (found: readonly ServiceFieldError[]): void => {
    setErrors(found);
    if (found.length > 0) setRefusals((n) => n + 1);
  };

  const submit = async (): Promise<void> => {
    const local: ServiceFieldError[] = [];
    for (const s of services) {
      for (const f of s.form.fields) {
        if (visit.prefill[s.id]?.[f.id]) continue;
        const e = validateField(f, forms[s.id]?.[f.id]);
        if (e) local.push({ ...e, serviceId: s.id });
      }
    }
    refuse(local);
    if (local.length > 0) return;
    setBusy(true);
    const remote = await onSubmit(forms);
    setBusy(false);
    if (remote) refuse(remote);
  };

  return (
    <section className="form-screen" aria-labelledby="form-title">
      <h1 id="form-title">{t('form.title')}</h1>
      <ErrorSummary title={t('form.errorSummary', { count: summary.length })} items={summary} />
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
                id={domId(s.id, f.id)}
                field={f}
                value={forms[s.id]?.[f.id]}
                prefill={visit.prefill[s.id]?.[f.id]}
                error={errors.find((e) => e.serviceId === s.id && e.fieldId === f.id)}
                onChange={(value) => {
                  onFormsChange({ ...forms, [s.id]: { ...forms[s.id], [f.id]: value } });
                  // A field being corrected is no longer listed as wrong; the next submit checks it again.
                  setErrors((prev) => prev.filter((e) => e.serviceId !== s.id || e.fieldId !== f.id));
                }}
              />
            ))}
          </section>
        ))}
        <div className="actions">
          <BackButton onBack={onBack} disabled={busy} />
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
