import { useCallback, useEffect, useRef, useState, type ReactElement } from 'react';
import { ApiError, type Session } from './api.js';
import { age, Head, RowHeader, T } from './labels.js';
import type { TextKey } from './messages.js';
import type { UrgentBoard, UrgentReport } from '../urgent-schemas.js';
import { acknowledgeUrgent, loadUrgentBoard, parseUrgentSnapshot, URGENT_EVENTS_PATH } from './urgent-api.js';
import { isEscalated, newlyArrived, serverNow, waitedMs } from './urgent-view.js';

/** How long the page waits before opening the stream again after the browser gave up on it. */
const REOPEN_AFTER_MS = 3_000;

type Connection = 'connecting' | 'live' | 'reconnecting' | 'signed-out';

function clockTime(iso: string): string {
  return new Date(iso).toLocaleTimeString('zh-CN', { hour12: false });
}

/** The services' names, Chinese then English (the id alone for uploads without names). */
function Services({ report }: { report: UrgentReport }): ReactElement {
  return (
    <>
      {report.services.map((service) => (
        <span key={service.serviceId} className="service-name">
          {service.name ? (
            <>
              <span lang="zh-CN">{service.name['zh-CN']}</span>{' '}
              <span lang="en" className="en">
                {service.name.en}
              </span>
            </>
          ) : (
            service.serviceId
          )}
        </span>
      ))}
    </>
  );
}

/** The row of an empty table. */
function EmptyRow({ k }: { k: TextKey }): ReactElement {
  return (
    <tr>
      <td colSpan={6}>
        <T k={k} />
      </td>
    </tr>
  );
}

/**
 * Urgent reports (missing persons) for the duty officer: they arrive live (server-sent events; the browser
 * reconnects by itself and the server then sends the whole board again), an open report escalates on screen
 * once it has waited `escalateAfterMs` (a role="alert" banner and a red row), and the officer acknowledges it;
 * acknowledged reports show who and when. The board carries no personal data (central/urgent-schemas.ts).
 */
export function UrgentPage({ session }: { session: Session }): ReactElement {
  const [board, setBoard] = useState<{ data: UrgentBoard; at: number } | null>(null);
  const [connection, setConnection] = useState<Connection>('connecting');
  const [clock, setClock] = useState(() => performance.now());
  const [arrived, setArrived] = useState<UrgentReport[]>([]);
  const [notices, setNotices] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState<ReadonlySet<string>>(new Set());
  const [failed, setFailed] = useState(false);
  const previous = useRef<UrgentBoard | null>(null);

  const apply = useCallback((data: UrgentBoard): void => {
    const fresh = newlyArrived(previous.current, data);
    previous.current = data;
    const at = performance.now();
    setBoard({ data, at });
    setClock(at);
    if (fresh.length > 0) setArrived(fresh);
  }, []);

  useEffect(() => {
    let source: EventSource | null = null;
    let reopen: ReturnType<typeof setTimeout> | null = null;
    let ended = false;
    const open = (): void => {
      source = new EventSource(URGENT_EVENTS_PATH);
      source.addEventListener('snapshot', (event: MessageEvent<string>) => {
        const data = parseUrgentSnapshot(event.data);
        if (!data) return;
        apply(data);
        setConnection('live');
      });
      source.addEventListener('signed-out', () => {
        source?.close();
        setConnection('signed-out');
      });
      source.onerror = () => {
        if (source?.readyState !== EventSource.CLOSED) {
          // The browser reconnects by itself (with Last-Event-ID); the server starts with the whole board.
          setConnection('reconnecting');
          return;
        }
        // Given up (the server refused the stream, e.g. a 401): find out whether the session ended.
        source.close();
        setConnection('reconnecting');
        loadUrgentBoard().then(
          (data) => {
            apply(data);
            if (!ended) reopen = setTimeout(open, REOPEN_AFTER_MS);
          },
          (error: unknown) => {
            if (error instanceof ApiError && error.status === 401) setConnection('signed-out');
            else if (!ended) reopen = setTimeout(open, REOPEN_AFTER_MS);
          },
        );
      };
    };
    open();
    // Ages count up and escalations appear between snapshots.
    const tick = setInterval(() => setClock(performance.now()), 500);
    return () => {
      ended = true;
      source?.close();
      if (reopen) clearTimeout(reopen);
      clearInterval(tick);
    };
  }, [apply]);

  const acknowledge = (report: UrgentReport): void => {
    setBusy((ids) => new Set([...ids, report.id]));
    setFailed(false);
    acknowledgeUrgent(session, report.id)
      .then(
        (answer) => {
          const by = answer.report.acknowledgement?.by;
          if (answer.alreadyAcknowledged && by !== undefined && by !== session.user.name)
            setNotices((all) => ({ ...all, [report.id]: by }));
          // The stream brings the new board; reading it now as well spares a wait on a slow stream.
          return loadUrgentBoard().then(apply);
        },
        () => setFailed(true),
      )
      .finally(() => {
        setBusy((ids) => new Set([...ids].filter((id) => id !== report.id)));
      });
  };

  if (!board)
    return (
      <p>
        <T k={connection === 'signed-out' ? 'urgentSignedOut' : 'loading'} />
      </p>
    );
  const now = serverNow(board.data, board.at, clock);
  const { open, acknowledged, escalateAfterMs } = board.data;
  const escalated = open.filter((report) => isEscalated(report, now, escalateAfterMs));
  return (
    <section aria-labelledby="urgent-title" className="urgent">
      <div className="toolbar">
        <h2 id="urgent-title">
          <T k="urgent" />
        </h2>
        <span className="summary">
          {open.length} <T k="urgentOpen" />
        </span>
        <span className="summary threshold">
          <T k="urgentThreshold" />: {Math.round(escalateAfterMs / 1000)}
        </span>
        <span className={`connection connection-${connection}`}>
          <T
            k={
              connection === 'live'
                ? 'urgentLive'
                : connection === 'signed-out'
                  ? 'urgentSignedOut'
                  : 'urgentReconnecting'
            }
          />
        </span>
        {failed ? (
          <span role="alert" className="error">
            <T k="failed" />
          </span>
        ) : null}
      </div>
      {escalated.length > 0 ? (
        <div role="alert" className="escalation">
          <strong>
            <T k="urgentEscalation" />
          </strong>{' '}
          <span className="escalation-count">{escalated.length}</span>
        </div>
      ) : null}
      <p role="status" className="arrivals">
        {arrived.map((report) => (
          <span key={report.id}>
            <T k="urgentArrived" /> {report.kioskId} · {report.number}
          </span>
        ))}
      </p>
      <h3>
        <T k="urgentOpen" />
      </h3>
      <table className="urgent-open">
        <Head keys={['kiosk', 'urgentNumber', 'urgentService', 'urgentReceived', 'urgentAge', 'action']} />
        <tbody>
          {open.length === 0 ? <EmptyRow k="urgentNone" /> : null}
          {open.map((report) => {
            const late = isEscalated(report, now, escalateAfterMs);
            return (
              <tr key={report.id} className={late ? 'escalated' : undefined} data-escalated={late}>
                <RowHeader id={report.kioskId} badge={late ? 'urgentEscalated' : null} />
                <td className="txn-number">{report.number}</td>
                <td>
                  <Services report={report} />
                </td>
                <td>{clockTime(report.receivedAt)}</td>
                <td>{age(waitedMs(report, now))}</td>
                <td>
                  <button type="button" disabled={busy.has(report.id)} onClick={() => acknowledge(report)}>
                    <T k="urgentAcknowledge" />
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <h3>
        <T k="urgentDone" />
      </h3>
      <table className="urgent-done">
        <Head
          keys={[
            'kiosk',
            'urgentNumber',
            'urgentService',
            'urgentReceived',
            'urgentAcknowledgedBy',
            'urgentAcknowledgedAt',
          ]}
        />
        <tbody>
          {acknowledged.length === 0 ? <EmptyRow k="urgentNoneDone" /> : null}
          {acknowledged.map((report) => (
            <tr key={report.id}>
              <th scope="row">{report.kioskId}</th>
              <td className="txn-number">{report.number}</td>
              <td>
                <Services report={report} />
              </td>
              <td>{clockTime(report.receivedAt)}</td>
              <td className="acknowledged-by">
                {report.acknowledgement?.by ?? '—'}
                {notices[report.id] !== undefined ? (
                  <span role="status" className="notice">
                    <T k="urgentAlready" /> {notices[report.id]}
                  </span>
                ) : null}
              </td>
              <td>{report.acknowledgement ? clockTime(report.acknowledgement.at) : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
