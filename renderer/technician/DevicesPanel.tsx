import { useState, type ReactNode } from 'react';
import type { DeviceStatusView } from '../../main/api/views.js';
import type { PrinterBitsView, PrinterTestView } from '../../main/api/technician-views.js';
import { useKiosk } from '../api/kiosk.js';
import { useI18n } from '../i18n/i18n.js';
import { deviceWords, message } from './format.js';

/** What the last device test said, shown under the device rows. */
type TestResult =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'print'; readonly text: string; readonly preview: PrinterTestView | null }
  | { readonly kind: 'bits'; readonly bits: PrinterBitsView };

/**
 * Each device with its live state and what to do about it, and its tests: read a card (masked), print a test
 * page (with its preview), the printer's status bits in words, and a scan test.
 */
export function DevicesPanel({ devices }: { readonly devices: readonly DeviceStatusView[] }): ReactNode {
  const { api } = useKiosk();
  const { t, locale } = useI18n();
  const [result, setResult] = useState<TestResult | null>(null);
  const say = (text: string): void => setResult({ kind: 'text', text });

  const readCard = (): void => {
    say(t('tech.placeCardNow'));
    void api?.['technician.readCard']().then((r) => {
      if (!r.ok) say(r.error.code);
      else if (r.value.read)
        say(
          `${t('tech.readTest')}: ${t(`cardType.${r.value.cardType}`)} · ${r.value.idNumberMasked} · ${t(
            r.value.checkDigit === 'valid'
              ? 'tech.checkDigitOk'
              : r.value.checkDigit === 'invalid'
                ? 'tech.checkDigitBad'
                : 'tech.checkDigitNone',
          )}`,
        );
      else say(`${t('tech.readTest')}: ${message(locale, `tech.card.${r.value.code}`) ?? r.value.code}`);
    });
  };
  const printTest = (): void => {
    say(t('tech.testing'));
    void api?.['technician.printTest']().then((r) => {
      if (!r.ok) return say(r.error.code);
      const v = r.value;
      const text =
        v.outcome === 'printed'
          ? t('tech.printResult.printed')
          : v.outcome === 'unconfirmed'
            ? t('tech.printResult.unconfirmed')
            : t('tech.printResult.failed', { reason: reasonWords(v.reason) });
      setResult({ kind: 'print', text, preview: v.previewPng ? v : null });
    });
  };
  const reasonWords = (reason: string | null): string =>
    reason === null ? '' : (message(locale, `tech.bits.${reason}`) ?? reason);
  const bits = (): void => {
    void api?.['technician.printerBits']().then((r) =>
      r.ok ? setResult({ kind: 'bits', bits: r.value }) : say(r.error.code),
    );
  };
  const scanTest = (): void => {
    say(t('tech.scanNow'));
    void api?.['technician.scanTest']().then((r) => {
      if (!r.ok) return say(r.error.code);
      if (!r.value.scanned) return say(r.value.code === 'no-scan' ? t('tech.scan.none') : r.value.code);
      const gs1 = r.value.gs1 ? ` · ${r.value.gs1.map((e) => `(${e.ai}) ${e.value}`).join(' ')}` : '';
      say(
        t('tech.scan.result', {
          symbology: r.value.symbology ?? t('tech.scan.unknownSymbology'),
          text: r.value.text,
        }) + gs1,
      );
    });
  };
  const tests: Readonly<Record<string, readonly { label: string; run: () => void }[]>> = {
    'id-card': [{ label: t('tech.readTest'), run: readCard }],
    printer: [
      { label: t('tech.printTest'), run: printTest },
      { label: t('tech.printerBits'), run: bits },
    ],
    scanner: [{ label: t('tech.scanTest'), run: scanTest }],
  };

  return (
    <section className="tech-panel" aria-labelledby="tech-devices">
      <h2 id="tech-devices">{t('tech.devices')}</h2>
      <table className="tech-table tech-devices">
        <thead>
          <tr>
            <th scope="col">{t('tech.role')}</th>
            <th scope="col">{t('tech.state')}</th>
            <th scope="col">{t('tech.connection')}</th>
            <th scope="col">{t('tech.tests')}</th>
          </tr>
        </thead>
        <tbody>
          {devices.map((d) => {
            const words = deviceWords(d, locale);
            return (
              <tr key={d.kind} data-device={d.kind} className={`tech-state-${d.status.state}`}>
                <th scope="row">{t(`device.${d.kind}`)}</th>
                <td>
                  <span className="tech-device-state">{words.state}</span>
                  {words.hint ? <span className="tech-hint">{words.hint}</span> : null}
                  {d.status.warning ? (
                    <span className="tech-warning" role="note">
                      {t(`device.warning.${d.status.warning}`)}
                    </span>
                  ) : null}
                </td>
                <td className="tech-connection">
                  {d.connection === 'simulated'
                    ? t('tech.connection.simulated')
                    : d.connection === 'not configured'
                      ? t('tech.connection.notConfigured')
                      : d.connection}
                </td>
                <td>
                  <div className="tech-buttons">
                    {(tests[d.kind] ?? []).map((test) => (
                      <button key={test.label} type="button" onClick={test.run}>
                        {test.label}
                      </button>
                    ))}
                  </div>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {result ? (
        <div role="status" className="device-test">
          {result.kind === 'bits' ? (
            <p>
              {t('tech.printerBits')}:{' '}
              {result.bits.read
                ? result.bits.flags.map((f) => t(`tech.bits.${f}`)).join(' · ')
                : t('tech.bits.unread', { problem: result.bits.problem ?? '' })}
            </p>
          ) : (
            <p>{result.text}</p>
          )}
          {result.kind === 'print' && result.preview?.previewPng ? (
            <figure className="tech-preview">
              <img
                src={`data:image/png;base64,${result.preview.previewPng}`}
                alt={t('tech.preview')}
                style={{ width: `${result.preview.widthMm * 3}px` }}
              />
              <figcaption>{t('tech.preview')}</figcaption>
            </figure>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}
