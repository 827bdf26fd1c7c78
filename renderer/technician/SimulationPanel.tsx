import { useState, type ReactNode } from 'react';
import type { DeviceStatusView, FixtureView, PaperState, ScanView } from '../../main/api/views.js';
import { useKiosk, useKioskEvent, useKioskQuery } from '../api/kiosk.js';
import { useI18n } from '../i18n/i18n.js';

/**
 * The "dev dock": shown only when peripherals are simulated. It drives the device simulators through the
 * same KioskApi methods the tests use — placing a card here goes through the real reader protocol. It starts
 * folded to a small tab at the screen's edge, so the citizen's screen keeps its full width.
 */
export function SimulationPanel(): ReactNode {
  const { api } = useKiosk();
  const { t } = useI18n();
  const fixtures = useKioskQuery<readonly FixtureView[]>((a) => a['sim.fixtures']());
  const initial = useKioskQuery<readonly DeviceStatusView[]>((a) => a['devices.status']());
  const [statuses, setStatuses] = useState<Readonly<Record<string, DeviceStatusView>>>({});
  const [fixture, setFixture] = useState('resident');
  const [code, setCode] = useState('');
  const [lastScan, setLastScan] = useState<ScanView | null>(null);
  const [open, setOpen] = useState(false);
  useKioskEvent('device.status', (s) => setStatuses((prev) => ({ ...prev, [s.kind]: s })));
  useKioskEvent('scanner.scanned', setLastScan);
  const shown: DeviceStatusView[] = (initial.data ?? []).map((d) => statuses[d.kind] ?? d);

  const setPaper = (state: PaperState): void => void api?.['sim.setPaper']({ state });

  return (
    <aside className={open ? 'sim-panel open' : 'sim-panel'} aria-label={t('sim.title')}>
      <button type="button" className="sim-toggle" aria-expanded={open} onClick={() => setOpen(!open)}>
        {t('sim.title')}
      </button>
      {open ? (
        <div className="sim-body">
          <ul className="sim-status">
            {shown.map((d) => (
              <li key={d.kind} data-state={d.status.state}>
                {t(`device.${d.kind}`)}: {t(`device.${d.status.state}`)}
                {d.status.state === 'error' ? ` (${d.status.code})` : ''}
              </li>
            ))}
          </ul>
          <fieldset>
            <legend>{t('sim.card')}</legend>
            <label>
              <span className="visually-hidden">{t('sim.card')}</span>
              <select aria-label={t('sim.card')} value={fixture} onChange={(e) => setFixture(e.target.value)}>
                {(fixtures.data ?? []).map((f) => (
                  <option key={f.id} value={f.id}>
                    {f.label}
                  </option>
                ))}
              </select>
            </label>
            <button type="button" onClick={() => void api?.['sim.placeCard']({ fixture })}>
              {t('sim.placeCard')}
            </button>
            <button type="button" onClick={() => void api?.['sim.removeCard']()}>
              {t('sim.removeCard')}
            </button>
          </fieldset>
          <fieldset>
            <legend>{t('sim.paper')}</legend>
            {(['ok', 'near-end', 'out'] as const).map((p) => (
              <button key={p} type="button" onClick={() => setPaper(p)}>
                {t(`sim.paper.${p}`)}
              </button>
            ))}
          </fieldset>
          <fieldset>
            <legend>{t('sim.scan')}</legend>
            <input aria-label={t('sim.scanCode')} value={code} onChange={(e) => setCode(e.target.value)} />
            <button
              type="button"
              disabled={code.trim() === ''}
              onClick={() => {
                void api?.['sim.scan']({ text: code.trim() });
              }}
            >
              {t('sim.scan')}
            </button>
            {lastScan ? (
              <p role="status">
                {t('sim.lastScan')}: {lastScan.kind} · {lastScan.text.slice(0, 60)}
              </p>
            ) : null}
          </fieldset>
        </div>
      ) : null}
    </aside>
  );
}
