import { useEffect, useState, type ReactNode } from 'react';
import QRCode from 'qrcode';
import type { VisitView } from '../../main/api/views.js';
import { useI18n } from '../i18n/i18n.js';

/** The last screen: transaction number, what happened to the receipt, the QR code, urgent delivery state. */
export function DoneScreen({
  visit,
  onFinish,
}: {
  readonly visit: VisitView;
  readonly onFinish: () => void;
}): ReactNode {
  const { t } = useI18n();
  const result = visit.result;
  const [qr, setQr] = useState<string | null>(null);
  useEffect(() => {
    if (!result) return;
    let live = true;
    void QRCode.toDataURL(result.progressUrl, { errorCorrectionLevel: 'M', margin: 2, scale: 6 }).then(
      (url) => {
        if (live) setQr(url);
      },
    );
    return () => {
      live = false;
    };
  }, [result]);
  if (!result) return null;
  const printed = result.receipt.outcome === 'printed';
  return (
    <section className="done" aria-labelledby="done-title">
      <h1 id="done-title">{t('done.title')}</h1>
      <p className="txn">
        {t('done.number')}: <strong className="txn-number">{result.transactionNumber}</strong>
      </p>
      {result.urgent ? (
        <p role="status" className={result.acknowledged ? 'urgent-ok' : 'urgent-wait'}>
          {result.acknowledged ? t('done.urgentAcknowledged') : t('done.urgentSending')}
        </p>
      ) : (
        <p>{t('done.queued')}</p>
      )}
      {printed ? (
        <p role="status">{t('done.printed')}</p>
      ) : (
        <p role="alert" className="problem">
          {t('done.notPrinted')}
          {result.receipt.reason ? ` (${t(`printer.reason.${result.receipt.reason}`)})` : ''}
        </p>
      )}
      <figure className="qr">
        {qr ? <img src={qr} alt={t('done.qr')} width={240} height={240} /> : null}
        <figcaption>{t('done.qr')}</figcaption>
      </figure>
      <div className="actions">
        <span />
        <button type="button" className="primary" onClick={onFinish}>
          {t('nav.finish')}
        </button>
      </div>
    </section>
  );
}
