import { useCallback, useEffect, useState, type ReactNode } from 'react';
import type { AssignableRole, DiscoveredDeviceView, DiscoveryView } from '../../main/api/technician-views.js';
import { useKiosk, useKioskEvent } from '../api/kiosk.js';
import { keyboardField } from '../components/keyboard/field.js';
import { useI18n } from '../i18n/i18n.js';
import { Outcome, assignText } from './Outcome.js';

const BAUD_RATES = [9600, 19200, 38400, 57600, 115200] as const;
/** Paper speeds offered for a printer profile (mm/s); `null` keeps the width's default (drivers/printer/profile.ts). */
const PRINTER_SPEEDS = [null, 50, 70, 90, 150, 200, 250] as const;
const CODE_PAGES = ['gb18030', 'ascii'] as const;
const ROLES: readonly AssignableRole[] = ['id-card', 'printer', 'scanner'];

/** The role a probe's guess suggests, so the matching "use as" button comes first. */
const SUGGESTED: Readonly<Record<string, AssignableRole>> = {
  'id-card-reader': 'id-card',
  'receipt-printer': 'printer',
  scanner: 'scanner',
};

/**
 * What is plugged in (refreshed by the core within 2 s of a plug or unplug), a probe of each free serial port,
 * and assigning a role by taps: the port and baud rate (or the HID VID:PID) make the setting, a network printer
 * is typed as host and port. Applied between visits without a restart; the same setting as `booth config
 * set-device`.
 */
export function DiscoveryPanel(): ReactNode {
  const { api } = useKiosk();
  const { t } = useI18n();
  const [view, setView] = useState<DiscoveryView | null>(null);
  const [baud, setBaud] = useState<number>(115200);
  const [width, setWidth] = useState<58 | 80>(80);
  const [speed, setSpeed] = useState<number | null>(null);
  const [codePage, setCodePage] = useState<(typeof CODE_PAGES)[number]>('gb18030');
  // The printer profile after ';' in the setting: the width, then only what differs from its defaults.
  const profile = [
    `${width}mm`,
    ...(speed !== null ? [`speed=${speed}`] : []),
    ...(codePage !== 'gb18030' ? [`codepage=${codePage}`] : []),
  ].join(',');
  const [host, setHost] = useState('');
  const [port, setPort] = useState('9100');
  const [outcome, setOutcome] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  const refresh = useCallback(async (): Promise<void> => {
    const r = await api?.['technician.discover']();
    if (r?.ok) setView(r.value);
  }, [api]);
  useEffect(() => {
    let live = true;
    const load = (): void => {
      void api?.['technician.discover']().then((r) => {
        if (live && r.ok) setView(r.value);
      });
    };
    load();
    // Renews the core's watch while this screen is open (it lapses a minute after the last call).
    const timer = setInterval(load, 30_000);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [api]);
  useKioskEvent('technician.discovery', (next) => setView(next));

  const roleName = (role: string): string => t(`device.${role}`);
  const assign = (role: AssignableRole, spec: string): void => {
    setBusy(role);
    void api?.['technician.assign']({ role, spec }).then((r) => {
      setBusy(null);
      if (r.ok) setOutcome(assignText(t, r.value, r.value.ok ? r.value.spec : ''));
      else setOutcome(r.error.code);
      void refresh();
    });
  };
  const specFor = (d: DiscoveredDeviceView, role: AssignableRole): string => {
    const base = d.kind === 'hid' ? `hid:${d.vidPid ?? ''}` : `serial:${d.path ?? ''}@${baud}`;
    return role === 'printer' ? `${base};${profile}` : base;
  };
  const probe = (d: DiscoveredDeviceView): void => {
    if (!d.path) return;
    setBusy(d.path);
    void api?.['technician.probe']({ path: d.path, baudRate: baud }).then(() => {
      setBusy(null);
      void refresh();
    });
  };

  return (
    <section className="tech-panel" aria-labelledby="tech-discover">
      <h2 id="tech-discover">{t('tech.discover')}</h2>
      <div className="tech-choices" role="group" aria-label="Baud">
        {BAUD_RATES.map((b) => (
          <button key={b} type="button" aria-pressed={baud === b} onClick={() => setBaud(b)}>
            {b}
          </button>
        ))}
      </div>
      <div className="tech-choices" role="group" aria-label={t('tech.discover.printerProfile')}>
        {([58, 80] as const).map((w) => (
          <button key={w} type="button" aria-pressed={width === w} onClick={() => setWidth(w)}>
            {w} mm
          </button>
        ))}
        <span className="tech-sep" />
        {PRINTER_SPEEDS.map((v) => (
          <button key={v ?? 'default'} type="button" aria-pressed={speed === v} onClick={() => setSpeed(v)}>
            {v === null ? t('tech.discover.speedDefault') : `${v} mm/s`}
          </button>
        ))}
        <span className="tech-sep" />
        {CODE_PAGES.map((c) => (
          <button key={c} type="button" aria-pressed={codePage === c} onClick={() => setCodePage(c)}>
            {t(`tech.discover.codePage.${c}`)}
          </button>
        ))}
      </div>
      {view && view.devices.length === 0 ? <p>{t('tech.discover.none')}</p> : null}
      {view?.warnings.map((w) => (
        <p key={w} className="tech-warning">
          {w}
        </p>
      ))}
      {view && view.devices.length > 0 ? (
        <table className="tech-table tech-discovered">
          <thead>
            <tr>
              <th scope="col">{t('tech.discover.device')}</th>
              <th scope="col">{t('tech.discover.guess')}</th>
              <th scope="col">{t('tech.assign')}</th>
            </tr>
          </thead>
          <tbody>
            {view.devices.map((d) => {
              const key = `${d.kind}:${d.path ?? d.vidPid ?? ''}`;
              const suggested = d.guess ? SUGGESTED[d.guess.kind] : undefined;
              const roles = suggested ? [suggested, ...ROLES.filter((r) => r !== suggested)] : ROLES;
              return (
                <tr key={key} data-path={d.path ?? ''}>
                  <th scope="row">
                    <span className="tech-connection">{d.path ?? d.vidPid}</span>
                    <span className="tech-hint">
                      {[
                        d.kind === 'hid' ? 'HID' : t('tech.discover.serial'),
                        d.vidPid,
                        d.manufacturer,
                        d.product,
                      ]
                        .filter(Boolean)
                        .join(' · ')}
                    </span>
                  </th>
                  <td>
                    {d.usedBy ? (
                      t('tech.discover.usedBy', { role: roleName(d.usedBy) })
                    ) : d.guess ? (
                      <>
                        <strong>{t(`tech.guess.${d.guess.kind}`)}</strong>
                        <span className="tech-hint">{d.guess.detail}</span>
                      </>
                    ) : d.kind === 'serial' ? (
                      <button type="button" disabled={busy === d.path} onClick={() => probe(d)}>
                        {t('tech.discover.probe')}
                      </button>
                    ) : (
                      '—'
                    )}
                  </td>
                  <td>
                    <div className="tech-buttons">
                      {d.usedBy ? (
                        // A port in use keeps its role; its settings (baud, printer profile) can be applied again.
                        <button
                          type="button"
                          disabled={busy === d.usedBy}
                          onClick={() => {
                            const role = ROLES.find((r) => r === d.usedBy);
                            if (role) assign(role, specFor(d, role));
                          }}
                        >
                          {t('tech.assign.reapply', { role: roleName(d.usedBy) })}
                        </button>
                      ) : (
                        roles.map((role) => (
                          <button
                            key={role}
                            type="button"
                            className={role === suggested ? 'primary' : undefined}
                            disabled={busy === role}
                            onClick={() => assign(role, specFor(d, role))}
                          >
                            {t('tech.assign.use', { role: roleName(role) })}
                          </button>
                        ))
                      )}
                    </div>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
      <div className="tech-network">
        <label htmlFor="tech-host">{t('tech.assign.networkPrinter')}</label>
        <input
          id="tech-host"
          type="text"
          inputMode="text"
          autoComplete="off"
          {...keyboardField('letters')}
          value={host}
          onChange={(e) => setHost(e.target.value)}
        />
        <label htmlFor="tech-port">{t('tech.assign.port')}</label>
        <input
          id="tech-port"
          type="text"
          inputMode="numeric"
          autoComplete="off"
          {...keyboardField('digits')}
          value={port}
          onChange={(e) => setPort(e.target.value)}
        />
        <button
          type="button"
          disabled={host.trim() === ''}
          onClick={() => assign('printer', `tcp:${host.trim()}:${port.trim() || '9100'};${profile}`)}
        >
          {t('tech.assign.use', { role: roleName('printer') })}
        </button>
      </div>
      <div className="tech-buttons">
        {ROLES.map((role) => (
          <button key={role} type="button" onClick={() => assign(role, 'none')}>
            {t('tech.assign.remove', { role: roleName(role) })}
          </button>
        ))}
      </div>
      <Outcome text={outcome} />
    </section>
  );
}
