import { useEffect, useMemo, useState, type FormEvent, type ReactElement } from 'react';
import {
  ApiError,
  currentSession,
  loadAudit,
  loadFleet,
  signIn,
  signOut,
  type AuditLine,
  type Session,
} from './api.js';
import type { TextKey } from './messages.js';
import { age, Head, RowHeader, T, text } from './labels.js';
import { faultsOf, fleetGroups, isStale, kioskGroupFilter, kioskIdFilter, NO_GROUP } from './fleet-view.js';
import { CatalogRejection, CatalogsPage } from './CatalogsPage.js';
import { UrgentPage } from './UrgentPage.js';
import { MailboxPage } from './MailboxPage.js';
import { TransactionsPage } from './TransactionsPage.js';
import { Pending, usePolled } from './polling.js';

const FLEET_REFRESH_MS = 15_000;

/** The console: sign-in, then the fleet, and for administrators the audit trail. */
export function App(): ReactElement {
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const [page, setPage] = useState<'fleet' | 'audit' | 'catalogs' | 'urgent' | 'mailbox' | 'transactions'>(
    'fleet',
  );

  useEffect(() => {
    currentSession().then(setSession, () => setSession(null));
  }, []);

  if (session === undefined)
    return (
      <main className="centered">
        <T k="loading" />
      </main>
    );
  if (session === null) return <SignIn onSignedIn={setSession} />;

  const onSignOut = (): void => {
    signOut(session).finally(() => {
      setSession(null);
      setPage('fleet');
    });
  };
  return (
    <div className="shell">
      <header>
        <h1>
          <T k="title" />
        </h1>
        <nav aria-label="pages">
          <button type="button" aria-current={page === 'fleet'} onClick={() => setPage('fleet')}>
            <T k="fleet" />
          </button>
          <button type="button" aria-current={page === 'urgent'} onClick={() => setPage('urgent')}>
            <T k="urgent" />
          </button>
          <button type="button" aria-current={page === 'mailbox'} onClick={() => setPage('mailbox')}>
            <T k="mailbox" />
          </button>
          <button
            type="button"
            aria-current={page === 'transactions'}
            onClick={() => setPage('transactions')}
          >
            <T k="transactions" />
          </button>
          {session.user.role === 'administrator' ? (
            <button type="button" aria-current={page === 'catalogs'} onClick={() => setPage('catalogs')}>
              <T k="catalogs" />
            </button>
          ) : null}
          {session.user.role === 'administrator' ? (
            <button type="button" aria-current={page === 'audit'} onClick={() => setPage('audit')}>
              <T k="audit" />
            </button>
          ) : null}
        </nav>
        <div className="who">
          <span className="user-name">{session.user.name}</span>{' '}
          <span className="role">
            <T k={session.user.role === 'administrator' ? 'administrator' : 'dutyOfficer'} />
          </span>
          <button type="button" onClick={onSignOut}>
            <T k="signOut" />
          </button>
        </div>
      </header>
      <main>
        {page === 'urgent' ? (
          <UrgentPage session={session} />
        ) : page === 'mailbox' ? (
          <MailboxPage session={session} />
        ) : page === 'transactions' ? (
          <TransactionsPage session={session} />
        ) : page === 'fleet' ? (
          <FleetPage />
        ) : page === 'catalogs' ? (
          <CatalogsPage session={session} />
        ) : (
          <AuditPage />
        )}
      </main>
    </div>
  );
}

/** A labelled, required text input of the sign-in form. */
function Field(props: {
  label: TextKey;
  name: string;
  type?: 'password';
  autoComplete: string;
  value: string;
  onChange: (value: string) => void;
}): ReactElement {
  return (
    <label>
      <span>
        <T k={props.label} />
      </span>
      <input
        name={props.name}
        type={props.type ?? 'text'}
        autoComplete={props.autoComplete}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
        required
      />
    </label>
  );
}

function SignIn({ onSignedIn }: { onSignedIn: (session: Session) => void }): ReactElement {
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<TextKey | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    signIn(name, password).then(onSignedIn, (failure: unknown) => {
      setBusy(false);
      setPassword('');
      if (failure instanceof ApiError && failure.status === 401) setError('badCredentials');
      else if (failure instanceof ApiError && failure.status === 429) setError('rateLimited');
      else setError('failed');
    });
  };
  return (
    <main className="centered">
      <form className="sign-in" onSubmit={submit}>
        <h1>
          <T k="title" />
        </h1>
        <h2>
          <T k="signInTitle" />
        </h2>
        <Field label="userName" name="username" autoComplete="username" value={name} onChange={setName} />
        <Field
          label="password"
          name="password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={setPassword}
        />
        {error ? (
          <p role="alert" className="error">
            <T k={error} />
          </p>
        ) : null}
        <button type="submit" disabled={busy}>
          <T k="signIn" />
        </button>
      </form>
    </main>
  );
}

function FleetPage(): ReactElement {
  // Polled every 15 s; the page's clock ticks each second, so ages count up between refreshes.
  const { value: fleet, failed, clock } = usePolled(loadFleet, FLEET_REFRESH_MS);
  const [prefix, setPrefix] = useState('');
  const [group, setGroup] = useState('');

  const shown = useMemo(
    () => (fleet ? fleet.data.kiosks.filter(kioskIdFilter(prefix)).filter(kioskGroupFilter(group)) : []),
    [fleet, prefix, group],
  );
  if (!fleet) return <Pending failed={failed} />;
  const serverNow = Date.parse(fleet.data.now) + Math.max(0, clock - fleet.at);
  const staleCount = shown.filter((kiosk) => isStale(kiosk, serverNow, fleet.data.staleAfterMs)).length;
  return (
    <section aria-labelledby="fleet-title">
      <div className="toolbar">
        <h2 id="fleet-title">
          <T k="fleet" />
        </h2>
        <input
          type="search"
          aria-label={text('filter')}
          placeholder={text('filter')}
          value={prefix}
          onChange={(e) => setPrefix(e.target.value)}
        />
        <select aria-label={text('groupFilter')} value={group} onChange={(e) => setGroup(e.target.value)}>
          <option value="">{text('allGroups')}</option>
          {fleetGroups(fleet.data.kiosks).map((id) => (
            <option key={id} value={id}>
              {id}
            </option>
          ))}
          <option value={NO_GROUP}>{text('noGroup')}</option>
        </select>
        <span className="summary">
          {shown.length} <T k="kiosksShown" /> · {staleCount} <T k="staleCount" />
        </span>
        {failed ? (
          <span role="alert" className="error">
            <T k="failed" />
          </span>
        ) : null}
      </div>
      <table className="fleet">
        <Head
          keys={[
            'kiosk',
            'group',
            'lastHeartbeat',
            'appVersion',
            'catalogVersion',
            'outbox',
            'faults',
            'mode',
          ]}
        />
        <tbody>
          {shown.length === 0 ? (
            <tr>
              <td colSpan={8}>
                <T k="noKiosks" />
              </td>
            </tr>
          ) : null}
          {shown.map((kiosk) => {
            const stale = isStale(kiosk, serverNow, fleet.data.staleAfterMs);
            const faults = faultsOf(kiosk);
            const last = kiosk.lastHeartbeatAt === null ? null : Date.parse(kiosk.lastHeartbeatAt);
            return (
              <tr key={kiosk.kioskId} className={stale ? 'stale' : undefined} data-stale={stale}>
                <RowHeader id={kiosk.kioskId} badge={stale ? 'stale' : null} />
                <td className="groups-cell">
                  {kiosk.kioskGroups?.length ? kiosk.kioskGroups.join(', ') : '—'}
                </td>
                <td>{last === null ? <T k="never" /> : age(serverNow - last)}</td>
                <td>{kiosk.appVersion ?? '—'}</td>
                <td>
                  {kiosk.catalogVersion ?? '—'}
                  <CatalogRejection kiosk={kiosk} />
                </td>
                <td>{kiosk.outbox ? kiosk.outbox.depth : '—'}</td>
                <td>{faults.length === 0 ? kiosk.devices ? <T k="none" /> : '—' : faults.join(', ')}</td>
                <td>
                  {kiosk.health ? (
                    <T k={kiosk.health.mode === 'production' ? 'production' : 'demonstration'} />
                  ) : (
                    <T k="unknown" />
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}

function AuditPage(): ReactElement {
  const [lines, setLines] = useState<AuditLine[] | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    loadAudit().then(setLines, () => setFailed(true));
  }, []);
  if (failed)
    return (
      <p role="alert">
        <T k="failed" />
      </p>
    );
  if (!lines)
    return (
      <p>
        <T k="loading" />
      </p>
    );
  return (
    <section aria-labelledby="audit-title">
      <h2 id="audit-title">
        <T k="audit" />
      </h2>
      <table className="audit">
        <Head keys={['time', 'user', 'action', 'outcome', 'detail']} />
        <tbody>
          {lines.map((line) => (
            <tr key={line.id} className={line.outcome}>
              <td>{new Date(line.at).toLocaleString('zh-CN', { hour12: false })}</td>
              <td>{line.user ?? '—'}</td>
              <td>{line.action}</td>
              <td>
                <T k={line.outcome === 'ok' ? 'ok' : 'refused'} />
              </td>
              <td>{line.detail ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
