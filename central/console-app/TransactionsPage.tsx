import { useState, type FormEvent, type ReactElement } from 'react';
import type { ConsoleTransaction } from '../console-letters-schemas.js';
import type { ProgressStatus } from '../../contract/central-api.js';
import { ApiError, type Session } from './api.js';
import { T, text } from './labels.js';
import { findTransactions, setProgress } from './letters-api.js';
import type { TextKey } from './messages.js';
import { FailedNote } from './polling.js';

/** The progress states an officer sets, in their usual order (the kiosk and the progress page show the same). */
const STATUSES: readonly ProgressStatus[] = ['received', 'in-progress', 'ready-for-pickup', 'done'];

function when(iso: string): string {
  return new Date(iso).toLocaleString('zh-CN', { hour12: false });
}

/**
 * Transactions: search by the number on the citizen's receipt; each stored transaction with it (numbers are per
 * kiosk) shows its services by catalog name, kiosk, times, the applicant masked, and its progress, which a duty
 * officer sets (accepted, in progress, ready for pickup, done). The kiosk's look-up and the progress page follow.
 */
export function TransactionsPage({ session }: { session: Session }): ReactElement {
  const [number, setNumber] = useState('');
  const [items, setItems] = useState<ConsoleTransaction[] | null>(null);
  const [error, setError] = useState<TextKey | null>(null);
  const [busy, setBusy] = useState(false);

  const search = (event: FormEvent): void => {
    event.preventDefault();
    const wanted = number.trim();
    if (wanted === '') return;
    setBusy(true);
    setError(null);
    findTransactions(wanted).then(
      (found) => {
        setBusy(false);
        setItems(found);
        if (found.length === 0) setError('notFound');
      },
      (failure: unknown) => {
        setBusy(false);
        setItems(null);
        setError(failure instanceof ApiError && failure.status === 400 ? 'badNumber' : 'failed');
      },
    );
  };
  const replace = (item: ConsoleTransaction): void =>
    setItems((current) => current?.map((i) => (i.id === item.id ? item : i)) ?? current);

  return (
    <section aria-labelledby="transactions-title" className="transactions">
      <form className="toolbar" onSubmit={search} role="search">
        <h2 id="transactions-title">
          <T k="transactions" />
        </h2>
        <input
          type="search"
          aria-label={text('numberSearch')}
          placeholder="JW-20261201-000001"
          value={number}
          onChange={(e) => setNumber(e.target.value)}
          autoComplete="off"
          spellCheck={false}
        />
        <button type="submit" disabled={busy || number.trim() === ''}>
          <T k="search" />
        </button>
      </form>
      {error ? (
        <p role="alert" className="error">
          <T k={error} />
        </p>
      ) : null}
      {items?.map((item) => (
        <TransactionCard key={item.id} item={item} session={session} onChanged={replace} />
      ))}
    </section>
  );
}

function TransactionCard({
  item,
  session,
  onChanged,
}: {
  item: ConsoleTransaction;
  session: Session;
  onChanged: (item: ConsoleTransaction) => void;
}): ReactElement {
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState(false);
  const officer = session.user.role === 'duty-officer';
  const choose = (status: ProgressStatus): void => {
    setBusy(true);
    setFailed(false);
    setProgress(session, item.id, status).then(
      (updated) => {
        setBusy(false);
        if (updated) onChanged(updated);
      },
      () => {
        setBusy(false);
        setFailed(true);
      },
    );
  };
  return (
    <article className="transaction" aria-label={`${item.number} ${item.kioskId}`}>
      <h3>
        <span className="txn-number">{item.number}</span> <span className="kiosk-id">{item.kioskId}</span>
        {item.urgent ? (
          <span className="badge">
            <T k="urgentReport" />
          </span>
        ) : null}
      </h3>
      <dl>
        <dt>
          <T k="services" />
        </dt>
        <dd>
          <ul className="services">
            {item.services.map((service) => (
              // The catalog's name, never the id; a service gone from every catalog keeps a neutral label.
              <li key={service.id}>
                {service.name ? (
                  <>
                    <span lang="zh-CN">{service.name['zh-CN']}</span>{' '}
                    <span lang="en" className="en">
                      {service.name.en}
                    </span>
                  </>
                ) : (
                  <T k="serviceRetired" />
                )}
              </li>
            ))}
          </ul>
        </dd>
        <dt>
          <T k="completedAt" />
        </dt>
        <dd>{when(item.completedAt)}</dd>
        <dt>
          <T k="receivedAt" />
        </dt>
        <dd>{when(item.receivedAt)}</dd>
        {item.citizen ? (
          <>
            <dt>
              <T k="citizen" />
            </dt>
            <dd>
              {item.citizen.nameMasked} · <T k="idNumber" />{' '}
              <span className="id-number">{item.citizen.idNumberMasked}</span>
            </dd>
          </>
        ) : null}
        {item.letterTrackingNumber ? (
          <>
            <dt>
              <T k="trackingNumber" />
            </dt>
            <dd>{item.letterTrackingNumber}</dd>
          </>
        ) : null}
        <dt>
          <T k="progressStatus" />
        </dt>
        <dd className="progress-now">
          <strong>
            <T k={`progress_${item.progress.status}`} />
          </strong>{' '}
          · {when(item.progress.updatedAt)}
          {item.progress.by ? (
            <>
              {' '}
              · <T k="updatedBy" /> {item.progress.by}
            </>
          ) : null}
        </dd>
      </dl>
      {officer ? (
        <div className="progress-actions" role="group" aria-label={text('setProgress')}>
          {STATUSES.map((status) => (
            <button
              key={status}
              type="button"
              aria-pressed={item.progress.status === status}
              disabled={busy}
              onClick={() => choose(status)}
            >
              <T k={`progress_${status}`} />
            </button>
          ))}
          {failed ? <FailedNote /> : null}
        </div>
      ) : (
        <p className="note">
          <T k="viewOnlyProgress" />
        </p>
      )}
    </article>
  );
}
