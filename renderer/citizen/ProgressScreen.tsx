import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import type { ApiResult } from '../../main/api/protocol.js';
import type { TransactionProgressView } from '../../main/api/views.js';
import { useKiosk } from '../api/kiosk.js';
import { useI18n } from '../i18n/i18n.js';
import { formatMoment } from './outcome-format.js';
import { keyboardField } from '../components/keyboard/field.js';

/**
 * A scanned code to look up, with a counter so the same code scanned twice counts (the screen is keyed by it,
 * so each scan starts it afresh).
 */
export interface ProgressScan {
  readonly code: string;
  readonly seq: number;
}

type Lookup =
  | { readonly state: 'idle' }
  | { readonly state: 'looking' }
  | { readonly state: 'found'; readonly view: TransactionProgressView }
  | { readonly state: 'failed'; readonly messageKey: string };

/** What a look-up's answer means for the screen. */
function outcomeOf(r: ApiResult<TransactionProgressView>): Lookup {
  if (r.ok) return { state: 'found', view: r.value };
  return {
    state: 'failed',
    messageKey: r.error.code === 'not-found' ? 'progress.notFound' : 'progress.badNumber',
  };
}

/**
 * Where an earlier visit stands, looked up on this kiosk: by scanning the receipt's QR code or by typing the
 * transaction number printed on it. Shows the services by name, whether the receipt printed, whether the
 * police system has it and how far it got; the name only masked, and only for the receipt's QR code.
 */
export function ProgressScreen({
  scannedCode,
  progressLinksLocal,
  onClose,
}: {
  /** A code scanned while this screen (or the attract screen) was showing, looked up at once. */
  readonly scannedCode: string | null;
  /** Receipt links point at this machine: a phone cannot open them (said on screen). */
  readonly progressLinksLocal: boolean;
  readonly onClose: () => void;
}): ReactNode {
  const { api } = useKiosk();
  const { t, l, locale } = useI18n();
  const [number, setNumber] = useState('');
  const [lookup, setLookup] = useState<Lookup>(() =>
    scannedCode ? { state: 'looking' } : { state: 'idle' },
  );
  // Only the latest look-up may set the screen (a scan and a typed number can overlap).
  const latest = useRef(0);

  useEffect(() => {
    if (!api || !scannedCode) return;
    const ticket = ++latest.current;
    void api['progress.lookup']({ code: scannedCode }).then((r) => {
      if (ticket === latest.current) setLookup(outcomeOf(r));
    });
  }, [api, scannedCode]);

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    const code = number.trim();
    if (!api || code === '') return;
    const ticket = ++latest.current;
    setLookup({ state: 'looking' });
    void api['progress.lookup']({ code }).then((r) => {
      if (ticket === latest.current) setLookup(outcomeOf(r));
    });
  };
  const words = { today: t('time.today'), tomorrow: t('time.tomorrow') };
  const view = lookup.state === 'found' ? lookup.view : null;

  return (
    <section className="progress-screen" aria-labelledby="progress-title">
      <h1 id="progress-title">{t('progress.title')}</h1>
      <form className="progress-form" onSubmit={submit}>
        <label htmlFor="progress-number">{t('progress.numberLabel')}</label>
        <div className="progress-input">
          <input
            id="progress-number"
            type="text"
            inputMode="numeric"
            {...keyboardField('digits')}
            autoComplete="off"
            spellCheck={false}
            maxLength={24}
            placeholder="JW-20261130-000001"
            value={number}
            onChange={(e) => setNumber(e.target.value)}
          />
          <button
            type="submit"
            className="primary"
            disabled={number.trim() === '' || lookup.state === 'looking'}
          >
            {t('progress.lookUp')}
          </button>
        </div>
        <p className="hint">{t('progress.numberHint')}</p>
      </form>
      {lookup.state === 'looking' ? <p role="status">{t('progress.looking')}</p> : null}
      {lookup.state === 'failed' ? (
        <p role="alert" className="problem">
          {t(lookup.messageKey)}
        </p>
      ) : null}
      {view ? (
        <section className="progress-result" aria-label={`${t('progress.number')} ${view.transactionNumber}`}>
          <dl className="identity">
            <dt>{t('progress.number')}</dt>
            <dd className="txn-number">{view.transactionNumber}</dd>
            {view.citizenNameMasked ? (
              <>
                <dt>{t('progress.name')}</dt>
                <dd>{view.citizenNameMasked}</dd>
              </>
            ) : null}
            <dt>{t('progress.completedAt')}</dt>
            <dd className="completed-at">{formatMoment(view.completedAt, locale, words)}</dd>
            <dt>{t('progress.services')}</dt>
            <dd>
              <ul className="chosen-services">
                {view.services.map((s) => (
                  // A service no longer in the catalog keeps a neutral label: never its id.
                  <li key={s.id}>{s.name ? l(s.name) : t('progress.serviceRetired')}</li>
                ))}
              </ul>
            </dd>
            <dt>{t('progress.delivery')}</dt>
            <dd className={`delivery-${view.delivery}`}>
              {/* The central system storing an urgent report is not the command centre acknowledging it. */}
              {t(`progress.delivery.${view.delivery}`)}
            </dd>
            {/* A letter's own handling (below) is its status; other transactions show their progress. */}
            {view.delivery === 'acknowledged' && !view.letter ? (
              <>
                <dt>{t('progress.status')}</dt>
                <dd>{t(`progress.status.${view.centralStatus ?? 'unknown'}`)}</dd>
              </>
            ) : null}
            {view.letter ? (
              <>
                <dt>{t('progress.letter')}</dt>
                <dd className={`letter-status letter-${view.letter.status}`}>
                  {t(`progress.letter.${view.letter.status}`)}
                </dd>
                {(
                  [
                    ['progress.letter.signedAt', view.letter.signedAt],
                    ['progress.letter.answeredAt', view.letter.answeredAt],
                    ['progress.letter.closedAt', view.letter.closedAt],
                  ] as const
                ).map(([label, at]) =>
                  at ? (
                    <div key={label} className="letter-time">
                      <dt>{t(label)}</dt>
                      <dd>{formatMoment(at, locale, words)}</dd>
                    </div>
                  ) : null,
                )}
                {view.letter.reply ? (
                  <>
                    <dt>{t('progress.letter.reply')}</dt>
                    <dd>
                      {/* The officers' text as sent: plain text, never markup. */}
                      <p className="letter-reply">{view.letter.reply.text}</p>
                    </dd>
                  </>
                ) : null}
              </>
            ) : null}
            <dt>{t('progress.receipt')}</dt>
            <dd>
              {t(
                view.receiptPrinted === null
                  ? 'progress.receipt.unknown'
                  : view.receiptPrinted
                    ? 'progress.receipt.printed'
                    : 'progress.receipt.notPrinted',
              )}
            </dd>
          </dl>
          {view.letter?.replyWithheld ? (
            <p className="letter-withheld" role="note">
              {t('progress.letter.replyWithheld')}
            </p>
          ) : null}
          {progressLinksLocal ? <p className="local-link">{t('link.localOnly')}</p> : null}
        </section>
      ) : null}
      <div className="actions">
        <button type="button" onClick={onClose}>
          {t('nav.back')}
        </button>
      </div>
    </section>
  );
}
