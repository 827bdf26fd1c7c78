import { useEffect, useState, type ReactNode } from 'react';
import type { HealthSnapshot } from '../../main/api/health-view.js';
import { useKiosk } from '../api/kiosk.js';
import { useI18n } from '../i18n/i18n.js';
import { ageText, sizeText } from './format.js';

/** The health snapshot (the same figures as the heartbeat and `booth health`), refreshed every 2 s. */
export function HealthPanel(): ReactNode {
  const { api } = useKiosk();
  const { t, locale } = useI18n();
  const [health, setHealth] = useState<HealthSnapshot | null>(null);
  useEffect(() => {
    let live = true;
    const load = (): void => {
      void api?.['technician.health']().then((r) => {
        if (live && r.ok) setHealth(r.value);
      });
    };
    load();
    const timer = setInterval(load, 2000);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [api]);
  if (!health) return null;
  const c = health.central;
  const central = !c.configured
    ? t('tech.health.centralNone')
    : c.reachable === null
      ? t('tech.health.centralUnchecked')
      : c.reachable
        ? t('tech.health.centralOk', { ms: c.latencyMs ?? '?' })
        : t('tech.health.centralDown', { error: c.error ?? '' });
  return (
    <section className="tech-panel" aria-labelledby="tech-health">
      <h2 id="tech-health">{t('tech.health')}</h2>
      <dl className="tech-dl">
        <dt>{t('tech.mode')}</dt>
        <dd>{t(`tech.mode.${health.mode}`)}</dd>
        <dt>{t('tech.version')}</dt>
        <dd>{health.version}</dd>
        <dt>{t('tech.health.uptime')}</dt>
        <dd>{health.uptimeS === null ? '—' : ageText(health.uptimeS * 1000, locale)}</dd>
        <dt>{t('tech.health.memory')}</dt>
        <dd>{health.memory ? sizeText(health.memory.rssBytes) : '—'}</dd>
        <dt>{t('tech.health.disk')}</dt>
        <dd>
          {health.disk ? `${sizeText(health.disk.freeBytes)} / ${sizeText(health.disk.totalBytes)}` : '—'}
        </dd>
        <dt>{t('tech.health.outbox')}</dt>
        <dd>
          {t('tech.health.outboxValue', {
            depth: health.outbox.depth,
            age: health.outbox.oldestAgeMs === null ? '—' : ageText(health.outbox.oldestAgeMs, locale),
          })}
          {health.outbox.lastError ? <span className="tech-hint">{health.outbox.lastError}</span> : null}
        </dd>
        <dt>{t('tech.health.central')}</dt>
        <dd className={c.reachable === false ? 'rejection' : undefined}>{central}</dd>
        <dt>{t('tech.health.catalog')}</dt>
        <dd>
          {t('tech.health.catalogValue', {
            applied: health.catalog.appliedVersion ?? '—',
            staged: health.catalog.stagedVersion ?? '—',
          })}
        </dd>
      </dl>
    </section>
  );
}
