import { z } from 'zod';
import type { MailboxState } from '../contract/central-api.js';
import type { CentralDb } from './db.js';

/**
 * The chief's mailbox as officers work it (the console, central/console-letters.ts) and as citizens see it (the
 * kiosk's look-up, `GET /v1/mailbox/{trackingNumber}`): each letter is a stored transaction carrying a `letter`,
 * and what officers did to it is an append-only list of actions in `mailbox_actions` (who, when, the reply text).
 *
 * The order a mailbox office works in, enforced here: a letter is **signed for** (someone owns it) before it is
 * **replied** to, and **closed** only after at least one reply (every letter gets an answer). Replies may follow
 * one another until the letter is closed; nothing happens to a closed letter. Signing for or closing twice changes
 * nothing (idempotent, the first officer and time stay); a reply carries the console's request id, so a reply sent
 * twice (a double click, a retry after a lost answer) is stored once.
 *
 * The three promise clocks run from the letter's arrival at the central server: signed for within 10 min (met by
 * the signature), answered within 30 min (met by the first reply), first feedback within 48 h (met by the next
 * reply after the answer, or by closing the letter with its outcome, whichever comes first).
 */

/** The mailbox's promises, in minutes from arrival (the catalog's chief-mailbox service promises the same). */
export const MAILBOX_PROMISE_MINUTES = { signed: 10, answered: 30, firstFeedback: 48 * 60 } as const;

/** What an officer can do to a letter. */
export const letterActionSchema = z.enum(['sign', 'reply', 'close']);
/** An officer's action on a letter. */
export type LetterAction = z.infer<typeof letterActionSchema>;

/** One stored action. */
export interface LetterActionRecord {
  readonly action: LetterAction;
  readonly at: number;
  readonly officer: string;
  readonly text: string | null;
}

/** Where a letter stands, derived from its actions (times in epoch ms). */
export interface LetterState {
  readonly status: MailboxState;
  readonly signed: { readonly at: number; readonly by: string } | null;
  /** The first reply (meets the "answered" promise). */
  readonly answered: { readonly at: number; readonly by: string } | null;
  /** The next reply after the answer, or the close (meets the "first feedback" promise). */
  readonly feedback: { readonly at: number; readonly by: string } | null;
  readonly closed: { readonly at: number; readonly by: string } | null;
  /** The latest reply, shown to the citizen. */
  readonly reply: { readonly text: string; readonly at: number; readonly by: string } | null;
  readonly replies: number;
}

/** A refused action: the letter is not in a state that allows it (answered 409 with `code`). */
export class LetterOrderError extends Error {
  constructor(
    readonly code: 'not-signed' | 'not-answered' | 'letter-closed',
    message: string,
  ) {
    super(message);
  }
}

/** A letter's state from its actions (in the order they were stored). */
export function letterStateOf(actions: readonly LetterActionRecord[]): LetterState {
  const sign = actions.find((a) => a.action === 'sign');
  const replies = actions.filter((a) => a.action === 'reply');
  const close = actions.find((a) => a.action === 'close');
  const first = replies[0];
  const second = replies[1];
  const latest = replies.at(-1);
  const feedbackAction = [second, close]
    .filter((a): a is LetterActionRecord => a !== undefined)
    .sort((a, b) => a.at - b.at)[0];
  const who = (a: LetterActionRecord | undefined): { at: number; by: string } | null =>
    a ? { at: a.at, by: a.officer } : null;
  return {
    status: close ? 'closed' : first ? 'answered' : sign ? 'signed' : 'received',
    signed: who(sign),
    answered: who(first),
    feedback: who(feedbackAction),
    closed: who(close),
    reply: latest ? { text: latest.text ?? '', at: latest.at, by: latest.officer } : null,
    replies: replies.length,
  };
}

interface ActionRow {
  letter_id: string;
  action: string;
  at: number;
  officer: string;
  text: string | null;
}

/** The actions of each letter named, oldest first. */
export async function loadLetterActions(
  db: CentralDb,
  letterIds: readonly string[],
): Promise<Map<string, LetterActionRecord[]>> {
  const out = new Map<string, LetterActionRecord[]>();
  if (letterIds.length === 0) return out;
  const rows = await db.all<ActionRow>(
    `SELECT letter_id, action, at, officer, text FROM mailbox_actions
     WHERE letter_id IN (${letterIds.map(() => '?').join(', ')}) ORDER BY at, seq`,
    [...letterIds],
  );
  for (const row of rows) {
    const action = letterActionSchema.safeParse(row.action);
    if (!action.success) continue;
    const list = out.get(row.letter_id) ?? [];
    list.push({ action: action.data, at: Number(row.at), officer: row.officer, text: row.text });
    out.set(row.letter_id, list);
  }
  return out;
}

/** What {@link actOnLetter} is asked to do. */
export interface LetterActionRequest {
  /** The letter's transaction id (its idempotency key): tracking numbers are per kiosk and may repeat. */
  readonly letterId: string;
  readonly action: LetterAction;
  readonly officer: string;
  readonly now: number;
  /** The reply's text (reply only). */
  readonly text?: string;
  /** The console's id for this reply (reply only): the same id twice stores one reply. */
  readonly requestId?: string;
}

/**
 * Records an officer's action in the order rules above, in one transaction; returns the letter's state after it
 * and whether anything changed. Throws {@link LetterOrderError} when the order forbids it.
 */
export async function actOnLetter(
  db: CentralDb,
  request: LetterActionRequest,
): Promise<{ state: LetterState; changed: boolean }> {
  return db.transaction(async () => {
    // Touching the letter's row first takes its row lock in PostgreSQL (sqlite's BEGIN IMMEDIATE already
    // serializes writers): two officers acting at once, on two central instances, are checked one after the other.
    await db.run('UPDATE transactions SET tracking_number = tracking_number WHERE idempotency_key = ?', [
      request.letterId,
    ]);
    const before = letterStateOf(
      (await loadLetterActions(db, [request.letterId])).get(request.letterId) ?? [],
    );
    let key: string;
    switch (request.action) {
      case 'sign':
        if (before.signed) return { state: before, changed: false };
        key = 'sign';
        break;
      case 'reply':
        if (before.closed) throw new LetterOrderError('letter-closed', 'the letter is closed');
        if (!before.signed) throw new LetterOrderError('not-signed', 'sign for the letter before replying');
        key = `reply:${request.requestId ?? ''}`;
        break;
      case 'close':
        if (before.closed) return { state: before, changed: false };
        if (!before.answered)
          throw new LetterOrderError('not-answered', 'reply to the letter before closing it');
        key = 'close';
        break;
    }
    const { changes } = await db.run(
      `INSERT INTO mailbox_actions (letter_id, action_key, action, at, officer, text)
       VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (letter_id, action_key) DO NOTHING`,
      [
        request.letterId,
        key,
        request.action,
        request.now,
        request.officer,
        request.action === 'reply' ? (request.text ?? null) : null,
      ],
    );
    const after = letterStateOf(
      (await loadLetterActions(db, [request.letterId])).get(request.letterId) ?? [],
    );
    return { state: after, changed: changes > 0 };
  });
}
