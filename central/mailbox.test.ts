import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CENTRAL_BACKEND, sharedCentralStore } from '../test/support/central-store.js';
import { openCentralDb, type CentralDb } from './db.js';
import { actOnLetter, letterStateOf, loadLetterActions, LetterOrderError } from './mailbox.js';

/** Officers' actions on letters (central/mailbox.ts) on the store under test (both, see vitest.config.ts). */

let db: CentralDb;
let remove: () => void;
const LETTER = '01JDQ8ZK3W6S1V4T2M9C0XQH7R';

beforeEach(async () => {
  const store = await sharedCentralStore();
  remove = store.remove;
  db = await openCentralDb(store.options.database ?? `${store.options.dataDir}/central.sqlite`);
  await db.run(
    `INSERT INTO transactions (idempotency_key, number, kiosk_id, urgent, completed_at, received_at, tracking_number,
       payload) VALUES (?, 'JW-20261201-000001', 'k1', 0, 'c', 0, 'JW-20261201-000001', '{}')`,
    [LETTER],
  );
});

afterEach(async () => {
  await db.close();
  remove();
});

describe(`letter actions (${CENTRAL_BACKEND})`, () => {
  it('keeps the office order: sign, then replies, then close; nothing after closing', async () => {
    const act = (
      action: 'sign' | 'reply' | 'close',
      now: number,
      requestId?: string,
    ): ReturnType<typeof actOnLetter> =>
      actOnLetter(db, {
        letterId: LETTER,
        action,
        officer: 'officer1',
        now,
        ...(action === 'reply' ? { text: `reply ${now}`, requestId: requestId ?? `r-${now}` } : {}),
      });
    await expect(act('reply', 1)).rejects.toBeInstanceOf(LetterOrderError);
    await expect(act('close', 1)).rejects.toMatchObject({ code: 'not-answered' });
    expect((await act('sign', 2)).state.status).toBe('signed');
    expect((await act('reply', 3)).state).toMatchObject({
      status: 'answered',
      answered: { at: 3 },
      feedback: null,
    });
    // The next reply is the first feedback; the latest reply is the one shown.
    const second = await act('reply', 4);
    expect(second.state).toMatchObject({
      feedback: { at: 4, by: 'officer1' },
      reply: { text: 'reply 4' },
      replies: 2,
    });
    expect((await act('close', 5)).state).toMatchObject({
      status: 'closed',
      closed: { at: 5 },
      feedback: { at: 4 },
    });
    await expect(act('reply', 6)).rejects.toMatchObject({ code: 'letter-closed' });
    expect(await act('close', 7)).toMatchObject({ changed: false, state: { closed: { at: 5 } } });
  });

  it('stores one signature and one copy of a reply however many arrive at once', async () => {
    const signs = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        actOnLetter(db, { letterId: LETTER, action: 'sign', officer: `officer${i}`, now: 10 + i }),
      ),
    );
    expect(signs.filter((s) => s.changed)).toHaveLength(1);
    const replies = await Promise.all(
      Array.from({ length: 8 }, () =>
        actOnLetter(db, {
          letterId: LETTER,
          action: 'reply',
          officer: 'officer1',
          now: 20,
          text: '收到',
          requestId: 'same-request-1',
        }),
      ),
    );
    expect(replies.filter((r) => r.changed)).toHaveLength(1);
    const actions = (await loadLetterActions(db, [LETTER])).get(LETTER) ?? [];
    expect(actions.map((a) => a.action)).toEqual(['sign', 'reply']);
    expect(letterStateOf(actions).signed?.by).toBe(signs.find((s) => s.changed)?.state.signed?.by);
  });

  it('closing before a second reply is the first feedback', () => {
    const state = letterStateOf([
      { action: 'sign', at: 1, officer: 'a', text: null },
      { action: 'reply', at: 2, officer: 'a', text: 'x' },
      { action: 'close', at: 3, officer: 'b', text: null },
    ]);
    expect(state).toMatchObject({ status: 'closed', feedback: { at: 3, by: 'b' }, reply: { text: 'x' } });
    expect(letterStateOf([]).status).toBe('received');
  });
});
