import { useMemo, useState, type ReactNode } from 'react';
import type { Catalog, CatalogService } from '../../main/api/views.js';
import { useI18n } from '../i18n/i18n.js';
import { ServiceIcon } from '../components/ServiceIcon.js';
import { PaperNotice } from './PaperNotice.js';
import { isWithinOpeningHours, localTimeOf } from '../../main/services/catalog/rules.js';

/**
 * Categories and services, built from the catalog alone. Several services can be chosen for one visit.
 */
export function ChooseScreen({
  catalog,
  busy,
  error,
  onBack,
  onContinue,
}: {
  readonly catalog: Catalog;
  readonly busy: boolean;
  readonly error: string | null;
  readonly onBack: () => void;
  readonly onContinue: (serviceIds: string[]) => void;
}): ReactNode {
  const { t, l } = useI18n();
  const categories = useMemo(() => [...catalog.categories].sort((a, b) => a.order - b.order), [catalog]);
  const [categoryId, setCategoryId] = useState(categories[0]?.id ?? '');
  const [chosen, setChosen] = useState<readonly string[]>([]);
  const services = useMemo(
    () => catalog.services.filter((s) => s.category === categoryId).sort((a, b) => a.order - b.order),
    [catalog, categoryId],
  );
  // Read once per screen: a citizen choosing across closing time is refused by the core with a message.
  const [now] = useState(() => localTimeOf(new Date()));
  const hoursText = (s: CatalogService): string =>
    (s.availability.hours ?? [])
      .map((h) => `${h.days.map((d) => t(`weekday.${d}`)).join('')} ${h.from}–${h.to}`)
      .join('；');
  const toggle = (id: string): void =>
    setChosen((c) => (c.includes(id) ? c.filter((x) => x !== id) : [...c, id]));
  const identityText = (s: CatalogService): string =>
    s.identity === 'none'
      ? t('choose.identity.none')
      : s.identity === 'id-card'
        ? t('choose.identity.card')
        : t('choose.identity.face');

  return (
    <section className="choose" aria-labelledby="choose-title">
      <h1 id="choose-title">{t('choose.title')}</h1>
      <PaperNotice />
      <div role="tablist" aria-label={t('choose.title')} className="category-tabs">
        {categories.map((c) => (
          <button
            key={c.id}
            type="button"
            role="tab"
            aria-selected={c.id === categoryId}
            onClick={() => setCategoryId(c.id)}
          >
            <ServiceIcon name={c.icon} />
            {l(c.name)}
          </button>
        ))}
      </div>
      <div role="tabpanel" className="service-grid">
        {services.map((s) => {
          const open = isWithinOpeningHours(s, now);
          return (
            <button
              key={s.id}
              type="button"
              className="service-card"
              aria-pressed={chosen.includes(s.id)}
              disabled={!open}
              onClick={() => toggle(s.id)}
            >
              <ServiceIcon name={s.icon} />
              <span className="service-name">{l(s.name)}</span>
              <span className="service-desc">{l(s.description)}</span>
              <span className="service-tags">
                <span className="tag">{identityText(s)}</span>
                {s.urgent ? <span className="tag urgent">{t('choose.urgent')}</span> : null}
                {open ? null : (
                  <span className="tag closed">{t('choose.closed', { hours: hoursText(s) })}</span>
                )}
              </span>
            </button>
          );
        })}
      </div>
      <div className="actions">
        <button type="button" onClick={onBack}>
          {t('nav.back')}
        </button>
        <span className="selected-count" aria-live="polite">
          {chosen.length > 0 ? t('choose.selected', { count: chosen.length }) : t('choose.none')}
        </span>
        <button
          type="button"
          className="primary"
          disabled={chosen.length === 0 || busy}
          onClick={() => onContinue([...chosen])}
        >
          {t('nav.continue')}
        </button>
      </div>
      {error ? (
        <p role="alert" className="problem">
          {t(error)}
        </p>
      ) : null}
    </section>
  );
}
