import { useMemo, useState, type ReactNode } from 'react';
import type { Catalog, CatalogService } from '../../main/api/views.js';
import { useI18n } from '../i18n/i18n.js';
import { BackButton } from '../components/BackButton.js';
import { ServiceIcon } from '../components/ServiceIcon.js';
import { PaperNotice } from './PaperNotice.js';
import { isWithinOpeningHours, localTimeOf } from '../../main/services/catalog/rules.js';

/** Service cards per page in elder mode: fewer, larger choices. */
export const ELDER_PAGE_SIZE = 4;

/**
 * Categories and services, built from the catalog alone. Several services can be chosen for one visit; the
 * choice is kept by the caller, so coming back to this screen shows it again. Elder mode shows at most
 * {@link ELDER_PAGE_SIZE} larger cards at a time, with "more services" to page.
 */
export function ChooseScreen({
  catalog,
  busy,
  error,
  elder = false,
  chosen,
  onChosenChange,
  onBack,
  onContinue,
}: {
  readonly catalog: Catalog;
  readonly busy: boolean;
  readonly error: string | null;
  readonly elder?: boolean;
  readonly chosen: readonly string[];
  readonly onChosenChange: (serviceIds: readonly string[]) => void;
  readonly onBack: () => void;
  readonly onContinue: (serviceIds: string[]) => void;
}): ReactNode {
  const { t, l } = useI18n();
  const categories = useMemo(() => [...catalog.categories].sort((a, b) => a.order - b.order), [catalog]);
  // Back from a later step: open on the category of the first service chosen.
  const [categoryId, setCategoryId] = useState(
    () => catalog.services.find((s) => s.id === chosen[0])?.category ?? categories[0]?.id ?? '',
  );
  const [page, setPage] = useState(0);
  const inCategory = useMemo(
    () => catalog.services.filter((s) => s.category === categoryId).sort((a, b) => a.order - b.order),
    [catalog, categoryId],
  );
  const pages = elder ? Math.max(1, Math.ceil(inCategory.length / ELDER_PAGE_SIZE)) : 1;
  const shownPage = Math.min(page, pages - 1);
  const services = elder
    ? inCategory.slice(shownPage * ELDER_PAGE_SIZE, (shownPage + 1) * ELDER_PAGE_SIZE)
    : inCategory;
  // Read once per screen: a citizen choosing across closing time is refused by the core with a message.
  const [now] = useState(() => localTimeOf(new Date()));
  const hoursText = (s: CatalogService): string =>
    (s.availability.hours ?? [])
      .map((h) => `${h.days.map((d) => t(`weekday.${d}`)).join('')} ${h.from}–${h.to}`)
      .join('；');
  const toggle = (id: string): void =>
    onChosenChange(chosen.includes(id) ? chosen.filter((x) => x !== id) : [...chosen, id]);
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
            onClick={() => {
              setCategoryId(c.id);
              setPage(0);
            }}
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
      {pages > 1 ? (
        <div className="pager">
          <button type="button" disabled={shownPage === 0} onClick={() => setPage(shownPage - 1)}>
            {t('choose.prevPage')}
          </button>
          <span aria-live="polite">{t('choose.page', { page: shownPage + 1, pages })}</span>
          <button type="button" disabled={shownPage >= pages - 1} onClick={() => setPage(shownPage + 1)}>
            {t('choose.nextPage')}
          </button>
        </div>
      ) : null}
      <div className="actions">
        <BackButton onBack={onBack} />
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
