import { call, type Session } from './api.js';
import {
  urgentAcknowledgeResponseSchema,
  urgentBoardSchema,
  type UrgentAcknowledgeResponse,
  type UrgentBoard,
} from '../urgent-schemas.js';

/** The console's urgent-report calls (central/console-urgent.ts). */

/** Where the live board streams from (server-sent events; the session cookie authenticates it). */
export const URGENT_EVENTS_PATH = '/console/api/urgent-events';

/** The board, read once (the stream sends it again on every change). */
export function loadUrgentBoard(): Promise<UrgentBoard> {
  return call('urgent', urgentBoardSchema);
}

/** A `snapshot` event's data, checked; null when it does not parse. */
export function parseUrgentSnapshot(data: string): UrgentBoard | null {
  try {
    const parsed = urgentBoardSchema.safeParse(JSON.parse(data));
    return parsed.success ? parsed.data : null;
  } catch {
    // A snapshot that is not JSON is skipped like an invalid one; the next one replaces it.
    return null;
  }
}

/** Acknowledges a report as the signed-in officer (with the session's CSRF token). */
export function acknowledgeUrgent(session: Session, id: string): Promise<UrgentAcknowledgeResponse> {
  return call('urgent-acknowledge', urgentAcknowledgeResponseSchema, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrfToken },
    body: JSON.stringify({ id }),
  });
}
