import { useState, type FormEvent, type ReactElement } from 'react';
import type { ConsoleLetter, PromiseClock } from '../console-letters-schemas.js';
import { ApiError, type Session } from './api.js';
import { Head, T, text } from './labels.js';
import { closeLetter, loadMailbox, replyToLetter, signLetter } from './letters-api.js';
import { clockView, formatClockTime, formatDuration } from './letters-view.js';
import type { TextKey } from './messages.js';
import { FailedNote, Pending, usePolled } from './polling.js';

const MAILBOX_REFRESH_MS = 15_000;

/** A refused action's message, by the server's error code. */
function refusal(error: unknown): TextKey {
  if (error instanceof ApiError) {
    if (error.code === 'not-signed') return 'notSigned';
    if (error.code === 'not-answered') return 'notAnswered';
    if (error.code === 'letter-closed') return 'letterClosed';
  }
  return 'failed';
}

/** A fresh id for one reply (a retry of the same reply sends the same id). */
function newRequestId(): string {
  return crypto.randomUUID();
}

/** One promise clock: counting down, overdue (highlighted), or met with its time and officer. */
function Clock({ clock, now }: { clock: PromiseClock; now: number }): ReactElement {
  const view = clockView(clock, now);
  switch (view.kind) {
    case 'running':
      return (
        <span className="clock running">
          <T k="left" /> <strong>{formatDuration(view.leftMs)}</strong>
        </span>
      );
    case 'overdue':
      return (
        <span className="clock overdue">
          <T k="overdue" /> <strong>{formatDuration(view.overMs)}</strong>
        </span>
      );
    default:
      return (
        <span className={`clock ${view.kind}`}>
          <T k={view.kind === 'met' ? 'metAt' : 'metLate'} /> {formatClockTime(view.at, now)}
          {view.by ? <span className="by"> · {view.by}</span> : null}
        </span>
      );
  }
}

/**
 * The chief's mailbox: every open letter (oldest first) and the week's closed ones, each with its three promise
 * clocks counting down from its arrival; a duty officer signs for, replies to and closes the chosen letter.
 */
export function MailboxPage({ session }: { session: Session }): ReactElement {
  const { value: mailbox, failed, clock, update } = usePolled(loadMailbox, MAILBOX_REFRESH_MS);
  const [selected, setSelected] = useState<string | null>(null);

  if (!mailbox) return <Pending failed={failed} />;
  const now = Date.parse(mailbox.data.now) + Math.max(0, clock - mailbox.at);
  const letters = mailbox.data.letters;
  const open = letters.filter((letter) => letter.closed === null);
  const overdue = open.filter((letter) =>
    [letter.clocks.signed, letter.clocks.answered, letter.clocks.firstFeedback].some(
      (c) => clockView(c, now).kind === 'overdue',
    ),
  ).length;
  const chosen = letters.find((letter) => letter.id === selected) ?? null;
  const replace = (letter: ConsoleLetter): void =>
    update((data) => ({ ...data, letters: data.letters.map((l) => (l.id === letter.id ? letter : l)) }));

  return (
    <section aria-labelledby="mailbox-title" className="mailbox">
      <div className="toolbar">
        <h2 id="mailbox-title">
          <T k="mailbox" />
        </h2>
        <span className="summary">
          {open.length} <T k="openLetters" /> · {overdue} <T k="overdueCount" />
        </span>
        {failed ? <FailedNote /> : null}
      </div>
      <div className="mailbox-layout">
        <table className="letters">
          <Head
            keys={[
              'trackingNumber',
              'arrivedAt',
              'letterKind',
              'subject',
              'letterStatus',
              'clockSigned',
              'clockAnswered',
              'clockFeedback',
            ]}
          />
          <tbody>
            {letters.length === 0 ? (
              <tr>
                <td colSpan={8}>
                  <T k="noLetters" />
                </td>
              </tr>
            ) : null}
            {letters.map((letter) => {
              const late = [letter.clocks.signed, letter.clocks.answered, letter.clocks.firstFeedback].some(
                (c) => clockView(c, now).kind === 'overdue',
              );
              return (
                <tr
                  key={letter.id}
                  className={[
                    late ? 'overdue' : '',
                    letter.id === selected ? 'selected' : '',
                    letter.closed ? 'closed' : '',
                  ].join(' ')}
                  data-overdue={late}
                  aria-selected={letter.id === selected}
                >
                  <th scope="row">
                    <button type="button" className="link" onClick={() => setSelected(letter.id)}>
                      {letter.trackingNumber}
                    </button>
                    <div className="kiosk-id">{letter.kioskId}</div>
                  </th>
                  <td>{formatClockTime(Date.parse(letter.receivedAt), now)}</td>
                  <td>
                    <T k={`kind_${letter.kind}`} />
                  </td>
                  <td className="subject">{letter.subject}</td>
                  <td>
                    <T k={`letter_${letter.status}`} />
                  </td>
                  <td>
                    <Clock clock={letter.clocks.signed} now={now} />
                  </td>
                  <td>
                    <Clock clock={letter.clocks.answered} now={now} />
                  </td>
                  <td>
                    <Clock clock={letter.clocks.firstFeedback} now={now} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        {chosen ? (
          <LetterDetail key={chosen.id} letter={chosen} session={session} now={now} onChanged={replace} />
        ) : (
          <aside className="letter-detail empty">
            <T k="selectLetter" />
          </aside>
        )}
      </div>
    </section>
  );
}

/** The chosen letter: its text and what has been done, and (duty officers) the next action. */
function LetterDetail({
  letter,
  session,
  now,
  onChanged,
}: {
  letter: ConsoleLetter;
  session: Session;
  now: number;
  onChanged: (letter: ConsoleLetter) => void;
}): ReactElement {
  const [reply, setReply] = useState('');
  const [requestId, setRequestId] = useState(newRequestId);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<TextKey | null>(null);
  const officer = session.user.role === 'duty-officer';

  const run = (work: () => Promise<ConsoleLetter>, after?: () => void): void => {
    setBusy(true);
    setError(null);
    work().then(
      (updated) => {
        setBusy(false);
        onChanged(updated);
        after?.();
      },
      (failure: unknown) => {
        setBusy(false);
        setError(refusal(failure));
      },
    );
  };
  const send = (event: FormEvent): void => {
    event.preventDefault();
    const textToSend = reply.trim();
    if (textToSend === '') return;
    run(
      () => replyToLetter(session, letter.id, textToSend, requestId),
      () => {
        setReply('');
        setRequestId(newRequestId());
      },
    );
  };

  return (
    <aside className="letter-detail" aria-label={`${text('trackingNumber')} ${letter.trackingNumber}`}>
      <h3>
        {letter.subject} <span className="tracking">{letter.trackingNumber}</span>
      </h3>
      <dl>
        <dt>
          <T k="letterFrom" />
        </dt>
        <dd>
          {letter.citizenNameMasked ?? '—'} · {letter.kioskId}
        </dd>
        <dt>
          <T k="letterKind" />
        </dt>
        <dd>
          <T k={`kind_${letter.kind}`} />
        </dd>
        <dt>
          <T k="letterText" />
        </dt>
        <dd className="letter-body">{letter.body}</dd>
        {letter.signed ? (
          <>
            <dt>
              <T k="signedBy" />
            </dt>
            <dd>
              {letter.signed.by} · {formatClockTime(Date.parse(letter.signed.at), now)}
            </dd>
          </>
        ) : null}
        {letter.reply ? (
          <>
            <dt>
              <T k="latestReply" />
            </dt>
            <dd className="letter-reply">
              {letter.reply.text}
              <div className="by">
                {letter.reply.by} · {formatClockTime(Date.parse(letter.reply.at), now)}
              </div>
            </dd>
          </>
        ) : null}
        {letter.closed ? (
          <>
            <dt>
              <T k="closedBy" />
            </dt>
            <dd>
              {letter.closed.by} · {formatClockTime(Date.parse(letter.closed.at), now)}
            </dd>
          </>
        ) : null}
      </dl>
      {error ? (
        <p role="alert" className="error">
          <T k={error} />
        </p>
      ) : null}
      {!officer ? (
        <p className="note">
          <T k="viewOnly" />
        </p>
      ) : letter.closed ? null : (
        <div className="letter-actions">
          {/* The office's order (the server enforces it too): sign for, then reply, then close. */}
          {letter.signed ? null : (
            <button type="button" disabled={busy} onClick={() => run(() => signLetter(session, letter.id))}>
              <T k="signFor" />
            </button>
          )}
          {letter.signed ? (
            <form onSubmit={send}>
              <label>
                <span>
                  <T k="replyLabel" />
                </span>
                <textarea
                  rows={4}
                  maxLength={2000}
                  value={reply}
                  onChange={(e) => setReply(e.target.value)}
                />
              </label>
              <button type="submit" disabled={busy || reply.trim() === ''}>
                <T k="sendReply" />
              </button>
            </form>
          ) : null}
          {letter.answered ? (
            <button
              type="button"
              className="secondary"
              disabled={busy}
              onClick={() => run(() => closeLetter(session, letter.id))}
            >
              <T k="closeLetter" />
            </button>
          ) : null}
        </div>
      )}
    </aside>
  );
}
