import { useCallback, useEffect, useState, type ReactNode } from 'react';
import type { ExportTargetView } from '../../main/api/technician-views.js';
import { useKiosk } from '../api/kiosk.js';
import { useI18n } from '../i18n/i18n.js';
import { Outcome } from './Outcome.js';
import { sizeText } from './format.js';

/** Writes the diagnostics bundle to a USB drive the kiosk found (no personal data goes in). */
export function ExportPanel(): ReactNode {
  const { api } = useKiosk();
  const { t } = useI18n();
  const [targets, setTargets] = useState<readonly ExportTargetView[] | null>(null);
  const [outcome, setOutcome] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const refresh = useCallback(async (): Promise<void> => {
    const r = await api?.['technician.exportTargets']();
    if (r?.ok) setTargets(r.value);
  }, [api]);
  useEffect(() => {
    let live = true;
    void api?.['technician.exportTargets']().then((r) => {
      if (live && r.ok) setTargets(r.value);
    });
    return () => {
      live = false;
    };
  }, [api]);
  const write = (target: ExportTargetView): void => {
    setBusy(true);
    setOutcome(t('tech.testing'));
    void api?.['technician.exportDiagnostics']({ target: target.path }).then((r) => {
      setBusy(false);
      if (!r.ok) setOutcome(r.error.code);
      else if (r.value.ok)
        setOutcome(t('tech.export.done', { file: r.value.file, size: sizeText(r.value.bytes) }));
      else setOutcome(t('tech.export.failed', { problem: r.value.problem }));
    });
  };
  return (
    <section className="tech-panel" aria-labelledby="tech-export">
      <h2 id="tech-export">{t('tech.export')}</h2>
      <p className="tech-hint">{t('tech.export.note')}</p>
      <div className="tech-buttons">
        {targets?.map((target) => (
          <button
            key={target.path}
            type="button"
            className="primary"
            disabled={busy}
            onClick={() => write(target)}
          >
            {t('tech.export.to', { label: target.label })}
            {target.freeBytes !== null ? ` (${sizeText(target.freeBytes)})` : ''}
          </button>
        ))}
        <button type="button" onClick={() => void refresh()}>
          {t('tech.export.refresh')}
        </button>
      </div>
      {targets && targets.length === 0 ? <p>{t('tech.export.none')}</p> : null}
      <Outcome text={outcome} />
    </section>
  );
}
