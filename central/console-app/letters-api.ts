import {
  consoleLetterActionResultSchema,
  consoleMailboxSchema,
  consoleProgressResultSchema,
  consoleTransactionsSchema,
  type ConsoleLetter,
  type ConsoleMailbox,
  type ConsoleTransaction,
} from '../console-letters-schemas.js';
import type { ProgressStatus } from '../../contract/central-api.js';
import { call, type Session } from './api.js';

/** The console's calls for the chief's mailbox and transactions (central/console-letters.ts). */

function post(session: Session, body: unknown): RequestInit {
  return {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrfToken },
    body: JSON.stringify(body),
  };
}

/** The letters with their promise clocks. */
export function loadMailbox(): Promise<ConsoleMailbox> {
  return call('mailbox', consoleMailboxSchema);
}

/** Signs for a letter. */
export async function signLetter(session: Session, letterId: string): Promise<ConsoleLetter> {
  return (
    await call('mailbox-action', consoleLetterActionResultSchema, post(session, { letterId, action: 'sign' }))
  ).letter;
}

/** Sends a reply; `requestId` makes a retry of the same reply harmless. */
export async function replyToLetter(
  session: Session,
  letterId: string,
  text: string,
  requestId: string,
): Promise<ConsoleLetter> {
  return (
    await call(
      'mailbox-action',
      consoleLetterActionResultSchema,
      post(session, { letterId, action: 'reply', text, requestId }),
    )
  ).letter;
}

/** Closes a letter. */
export async function closeLetter(session: Session, letterId: string): Promise<ConsoleLetter> {
  return (
    await call(
      'mailbox-action',
      consoleLetterActionResultSchema,
      post(session, { letterId, action: 'close' }),
    )
  ).letter;
}

/** Stored transactions with this number (one per kiosk that used it). */
export async function findTransactions(number: string): Promise<ConsoleTransaction[]> {
  return (await call(`transactions?number=${encodeURIComponent(number)}`, consoleTransactionsSchema)).items;
}

/** Sets a transaction's progress. */
export async function setProgress(
  session: Session,
  id: string,
  status: ProgressStatus,
): Promise<ConsoleTransaction | null> {
  return (await call('transaction-progress', consoleProgressResultSchema, post(session, { id, status })))
    .item;
}
