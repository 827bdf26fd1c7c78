import { useEffect, useState, type ReactNode } from 'react';
import QRCode from 'qrcode';
import type { Catalog, VisitResultView, VisitView } from '../../main/api/views.js';
import { useI18n } from '../i18n/i18n.js';
import { formatMoment } from './outcome-format.js';

/**
 * The final screen's title: what really happened, never "done" for something that is not. An urgent report is
 * "acknowledged by the command centre" only once a duty officer acknowledged it; the central system storing it
 * is "received by the central system, waiting for the command centre".
 */
function titleKey(result: VisitResultView): string {
  if (result.urgent) {
    if (result.commandCentreAcknowledgedAt !== null) return 'done.title.urgentAcknowledged';
    if (result.delivery === 'acknowledged') return 'done.title.urgentReceived';
    return result.delivery === 'rejected' ? 'done.title.rejected' : 'done.title.urgentWaiting';
  }
  if (result.delivery === 'acknowledged') return 'done.title.sent';
  return result.delivery === 'rejected' ? 'done.title.rejected' : 'done.title.saved';
}

/**
 * The last screen: where the transaction really stands (saved on the kiosk, sent, acknowledged by the
 * command centre, refused), what to do about an urgent report that has not arrived (call 110 now), the
 * transaction number, the service promises with their due times, what happened to the receipt, and the QR code.
 */
export function DoneScreen({
  visit,
  catalog,
  progressLinksLocal,
  onFinish,
}: {
  readonly visit: VisitView;
  readonly catalog: Catalog;
  /** The QR link points at this machine (no public base configured): say a phone cannot open it. */
  readonly progressLinksLocal: boolean;
  /** `acceptUndelivered`: the citizen confirmed finishing although the urgent report has not arrived. */
  readonly onFinish: (acceptUndelivered: boolean) => void;
}): ReactNode {
  const { t, l, locale } = useI18n();
  const result = visit.result;
  const [qr, setQr] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const progressUrl = result?.progressUrl ?? null;
  useEffect(() => {
    if (!progressUrl) return;
    let live = true;
    void QRCode.toDataURL(progressUrl, { errorCorrectionLevel: 'M', margin: 2, scale: 6 }).then((url) => {
      if (live) setQr(url);
    });
    return () => {
      live = false;
    };
  }, [progressUrl]);
  if (!result) return null;
  // Until a duty officer acknowledges it, an urgent report keeps the advice to call 110.
  const waitingUrgent = result.urgent && result.commandCentreAcknowledgedAt === null;
  const receivedUrgent = waitingUrgent && result.delivery === 'acknowledged';
  const services = visit.serviceIds
    .map((id) => catalog.services.find((s) => s.id === id))
    .filter((s): s is NonNullable<typeof s> => s !== undefined);
  const mailbox = services.some((s) => s.outputs.includes('letter-copy'));
  // An urgent report's promises (an officer within 5 minutes…) only hold once the command centre has it.
  const clocks = waitingUrgent ? [] : result.promises;
  const words = { today: t('time.today'), tomorrow: t('time.tomorrow') };
  const printed = result.receipt.outcome === 'printed';
  return (
    <section className={`done delivery-${result.delivery}`} aria-labelledby="done-title">
      {/* What happened, beside the QR code on a landscape screen so that Finish shows without scrolling. */}
      <div className="done-main">
        <h1 id="done-title">{t(titleKey(result))}</h1>
        {waitingUrgent ? (
          <div role="alert" className="urgent-alert">
            <p>
              {result.delivery === 'rejected'
                ? t('done.rejected')
                : receivedUrgent
                  ? t('done.urgentReceived')
                  : t('done.urgentNotReceived')}
            </p>
            <p className="call-110">
              <strong>{t('done.urgentCall110')}</strong>
            </p>
          </div>
        ) : result.urgent ? (
          <p role="status" className="urgent-ok">
            {t('done.urgentAcknowledged')}
          </p>
        ) : (
          <p role="status" className={`delivery-note delivery-${result.delivery}`}>
            {t(
              result.delivery === 'acknowledged'
                ? 'done.sent'
                : result.delivery === 'retrying'
                  ? 'done.retrying'
                  : result.delivery === 'rejected'
                    ? 'done.rejected'
                    : 'done.saved',
            )}
          </p>
        )}
        <p className="txn">
          {t('done.number')}: <strong className="txn-number">{result.transactionNumber}</strong>
        </p>
        {mailbox ? (
          <p className="txn">
            {t('done.trackingNumber')}:{' '}
            <strong className="tracking-number">{result.transactionNumber}</strong>
          </p>
        ) : null}
        {clocks.length > 0 ? (
          <section className="promises" aria-labelledby="promises-title">
            <h2 id="promises-title">{t('done.promises')}</h2>
            <ul>
              {clocks.map((c) => (
                <li key={`${c.serviceId}-${c.kind}`}>
                  <span>{l(c.text)}</span>
                  {c.dueAt ? (
                    <strong className="promise-due">
                      {t('done.promiseDue', { time: formatMoment(c.dueAt, locale, words) })}
                    </strong>
                  ) : null}
                </li>
              ))}
            </ul>
            {result.acknowledgedAt === null ? <p className="hint">{t('done.promisesStart')}</p> : null}
          </section>
        ) : null}
        {printed ? (
          <p role="status">{t('done.printed')}</p>
        ) : (
          <p role="alert" className="problem">
            {t('done.notPrinted')}
            {result.receipt.reason ? ` (${t(`printer.reason.${result.receipt.reason}`)})` : ''}
          </p>
        )}
      </div>
      <figure className="qr">
        {qr ? <img src={qr} alt={t('done.qr')} width={240} height={240} /> : null}
        <figcaption>{t('done.qr')}</figcaption>
        {progressLinksLocal ? <p className="local-link">{t('link.localOnly')}</p> : null}
      </figure>
      {confirming && waitingUrgent ? (
        <div role="alertdialog" aria-labelledby="confirm-finish-title" className="confirm-finish">
          <h2 id="confirm-finish-title">
            {t(receivedUrgent ? 'done.confirmTitleReceived' : 'done.confirmTitle')}
          </h2>
          <p>{t(receivedUrgent ? 'done.confirmBodyReceived' : 'done.confirmBody')}</p>
          <div className="actions">
            <button type="button" className="primary" onClick={() => setConfirming(false)} autoFocus>
              {t('done.keepWaiting')}
            </button>
            <button type="button" onClick={() => onFinish(true)}>
              {t('done.finishAnyway')}
            </button>
          </div>
        </div>
      ) : (
        <div className="actions">
          <span />
          <button
            type="button"
            className="primary"
            onClick={() => (waitingUrgent ? setConfirming(true) : onFinish(false))}
          >
            {t('nav.finish')}
          </button>
        </div>
      )}
    </section>
  );
}
