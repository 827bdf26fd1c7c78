import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addConsoleUser } from '../../central/console-auth.js';
import { centralPaths, type TransactionPayload } from '../../contract/central-api.js';
import { openCentralDb, type CentralDb } from '../../central/db.js';
import { batchItemOf, sampleMissingPersonReport, sampleTransaction } from '../../central/fixtures.js';
import { startCentralServer, type CentralServer, type CentralServerOptions } from '../../central/server.js';
import { urgentBoardSchema, type UrgentBoard } from '../../central/urgent-schemas.js';
import { CENTRAL_BACKEND, sharedCentralStore } from '../support/central-store.js';

/**
 * Urgent reports through the central server's HTTP interfaces, on both stores: storing is the kiosk's delivery
 * receipt only; the console lists the report and streams it live (also from a second instance on the same store),
 * a duty officer acknowledges it with the CSRF token (audited, the first officer's stands), and the kiosk's own
 * look-up turns from waiting to acknowledged.
 */

const PASSWORD = 'officer password long enough';
const KIOSKS = { 'bj-dc-01': 'kiosk-token-1', 'bj-dc-02': 'kiosk-token-2' };

let central: CentralServer;
let second: CentralServer | null = null;
let db: CentralDb;
let staticDir: string;
let removeStore: () => void;
let serverOptions: CentralServerOptions;

beforeEach(async () => {
  staticDir = mkdtempSync(path.join(tmpdir(), 'console-static-'));
  writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>console</title>');
  const store = await sharedCentralStore();
  removeStore = store.remove;
  serverOptions = {
    ...store.options,
    kioskTokens: KIOSKS,
    adminToken: 'admin-bearer-token',
    console: { staticDir },
    urgent: { escalateAfterMs: 5_000, pollMs: 100, sessionCheckMs: 200 },
  };
  central = await startCentralServer(serverOptions);
  db = await openCentralDb(store.options.database ?? path.join(store.options.dataDir, 'central.sqlite'));
  await addConsoleUser(db, { name: 'officer-li', role: 'duty-officer', password: PASSWORD });
  await addConsoleUser(db, { name: 'officer-wang', role: 'duty-officer', password: PASSWORD });
});

afterEach(async () => {
  await db.close();
  await second?.close();
  second = null;
  await central.close();
  removeStore();
  rmSync(staticDir, { recursive: true, force: true });
});

async function upload(
  server: CentralServer,
  kioskId: keyof typeof KIOSKS,
  transaction: TransactionPayload,
): Promise<string> {
  const res = await fetch(`${server.url}${centralPaths.batch}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${KIOSKS[kioskId]}` },
    body: JSON.stringify({ kioskId, items: [batchItemOf(transaction)] }),
    signal: AbortSignal.timeout(10_000),
  });
  const body = (await res.json()) as { results: { status: string }[] };
  return body.results[0]?.status ?? 'none';
}

async function kioskLookup(
  kioskId: keyof typeof KIOSKS,
  id: string,
): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${central.url}${centralPaths.urgentReport(id)}`, {
    headers: { authorization: `Bearer ${KIOSKS[kioskId]}` },
    signal: AbortSignal.timeout(10_000),
  });
  return { status: res.status, body: await res.json() };
}

async function signIn(server: CentralServer, name: string): Promise<{ cookie: string; csrf: string }> {
  const res = await fetch(`${server.url}/console/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: server.url },
    body: JSON.stringify({ name, password: PASSWORD }),
    signal: AbortSignal.timeout(10_000),
  });
  expect(res.status).toBe(200);
  const csrf = ((await res.json()) as { csrfToken: string }).csrfToken;
  return { cookie: (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '', csrf };
}

async function acknowledge(
  who: { cookie: string; csrf?: string },
  id: string,
): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${central.url}/console/api/urgent-acknowledge`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      origin: central.url,
      cookie: who.cookie,
      ...(who.csrf !== undefined ? { 'x-csrf-token': who.csrf } : {}),
    },
    body: JSON.stringify({ id }),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: res.status, body: await res.json() };
}

/** A console's event stream: `next` waits (with a deadline) for a snapshot that satisfies `until`. */
async function openEvents(
  server: CentralServer,
  cookie: string | null,
  lastEventId?: string,
): Promise<{
  status: number;
  contentType: string | null;
  next: (until: (board: UrgentBoard) => boolean) => Promise<{ id: string; board: UrgentBoard }>;
  close: () => void;
}> {
  const controller = new AbortController();
  const res = await fetch(`${server.url}/console/api/urgent-events`, {
    headers: {
      accept: 'text/event-stream',
      ...(cookie !== null ? { cookie } : {}),
      ...(lastEventId !== undefined ? { 'last-event-id': lastEventId } : {}),
    },
    signal: controller.signal,
  });
  const reader = res.body?.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const next = async (
    until: (board: UrgentBoard) => boolean,
  ): Promise<{ id: string; board: UrgentBoard }> => {
    const deadline = setTimeout(
      () => controller.abort(new Error('no matching snapshot within 10 s')),
      10_000,
    );
    try {
      for (;;) {
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const field = (name: string): string | undefined =>
            block
              .split('\n')
              .find((line) => line.startsWith(`${name}: `))
              ?.slice(name.length + 2);
          if (field('event') !== 'snapshot') continue;
          const board = urgentBoardSchema.parse(JSON.parse(field('data') ?? ''));
          if (until(board)) return { id: field('id') ?? '', board };
        }
        const chunk = await reader?.read();
        if (!chunk || chunk.done) throw new Error('the stream ended');
        buffer += decoder.decode(chunk.value, { stream: true });
      }
    } finally {
      clearTimeout(deadline);
    }
  };
  return {
    status: res.status,
    contentType: res.headers.get('content-type'),
    next,
    close: () => controller.abort(),
  };
}

describe(`urgent reports over HTTP (${CENTRAL_BACKEND})`, () => {
  it('stores a report for the kiosk without calling it acknowledged; an officer’s acknowledgement turns the kiosk’s look-up', async () => {
    const report = sampleMissingPersonReport('bj-dc-01');
    expect(await upload(central, 'bj-dc-01', report)).toBe('stored');
    // Stored once, idempotently, as before.
    expect(await upload(central, 'bj-dc-01', report)).toBe('duplicate');
    expect(await kioskLookup('bj-dc-01', report.id)).toEqual({
      status: 200,
      body: { id: report.id, number: report.number, status: 'waiting', acknowledgedAt: null },
    });
    // Another kiosk's report answers like an unknown one.
    expect((await kioskLookup('bj-dc-02', report.id)).status).toBe(404);

    const li = await signIn(central, 'officer-li');
    const board = await fetch(`${central.url}/console/api/urgent`, { headers: { cookie: li.cookie } });
    expect(board.status).toBe(200);
    const parsed = urgentBoardSchema.parse(await board.json());
    expect(parsed.escalateAfterMs).toBe(5_000);
    expect(parsed.open.map((r) => [r.number, r.kioskId, r.services[0]?.name?.en])).toEqual([
      [report.number, 'bj-dc-01', 'Missing person report'],
    ]);

    const acknowledged = await acknowledge(li, report.id);
    expect(acknowledged).toMatchObject({
      status: 200,
      body: { alreadyAcknowledged: false, report: { id: report.id, acknowledgement: { by: 'officer-li' } } },
    });
    const lookup = await kioskLookup('bj-dc-01', report.id);
    expect(lookup).toMatchObject({ status: 200, body: { status: 'acknowledged' } });
    expect(JSON.stringify(lookup.body)).not.toContain('officer-li');

    // The second officer is told who was first; both are in the audit trail, with the number, not the contents.
    const wang = await signIn(central, 'officer-wang');
    expect(await acknowledge(wang, report.id)).toMatchObject({
      status: 200,
      body: { alreadyAcknowledged: true, report: { acknowledgement: { by: 'officer-li' } } },
    });
    expect(
      await db.all(
        "SELECT user_name, outcome, detail FROM console_audit WHERE action = 'urgent.acknowledge' ORDER BY id",
      ),
    ).toEqual([
      { user_name: 'officer-li', outcome: 'ok', detail: `${report.number} at bj-dc-01` },
      {
        user_name: 'officer-wang',
        outcome: 'ok',
        detail: `${report.number} at bj-dc-01: already acknowledged by officer-li`,
      },
    ]);
  });

  it('refuses an acknowledgement without the CSRF token or a session, and for what is no urgent report', async () => {
    const report = sampleMissingPersonReport('bj-dc-01');
    const normal = sampleTransaction('bj-dc-01');
    await upload(central, 'bj-dc-01', report);
    await upload(central, 'bj-dc-01', normal);
    const li = await signIn(central, 'officer-li');
    expect(await acknowledge({ cookie: li.cookie }, report.id)).toMatchObject({
      status: 403,
      body: { error: { code: 'bad-csrf-token' } },
    });
    expect(await acknowledge({ cookie: 'booth_console=forged', csrf: li.csrf }, report.id)).toMatchObject({
      status: 401,
    });
    expect(await acknowledge(li, normal.id)).toMatchObject({ status: 404 });
    expect((await kioskLookup('bj-dc-01', report.id)).body).toMatchObject({ status: 'waiting' });
    expect(
      await db.all(
        "SELECT user_name, outcome, detail FROM console_audit WHERE action = 'urgent.acknowledge' ORDER BY id",
      ),
    ).toEqual([
      { user_name: 'officer-li', outcome: 'refused', detail: 'missing or wrong CSRF token' },
      { user_name: 'officer-li', outcome: 'refused', detail: 'no such report' },
    ]);
    expect(await db.all('SELECT * FROM urgent_acknowledgements')).toEqual([]);
  });

  it('streams the board live to signed-in consoles only, and starts again with the whole board on reconnect', async () => {
    const anonymous = await openEvents(central, null);
    expect(anonymous.status).toBe(401);
    anonymous.close();

    const li = await signIn(central, 'officer-li');
    const events = await openEvents(central, li.cookie);
    try {
      expect(events.status).toBe(200);
      expect(events.contentType).toMatch(/^text\/event-stream/);
      await events.next((board) => board.open.length === 0);
      const report = sampleMissingPersonReport('bj-dc-02');
      await upload(central, 'bj-dc-02', report);
      const arrived = await events.next((board) => board.open.some((r) => r.id === report.id));
      expect(arrived.board.open[0]).toMatchObject({ kioskId: 'bj-dc-02', acknowledgement: null });
      expect(arrived.id).not.toBe('');
      await acknowledge(li, report.id);
      await events.next((board) => board.open.length === 0 && board.acknowledged[0]?.id === report.id);
      events.close();

      // A reconnecting console (the browser sends Last-Event-ID) gets the whole board at once.
      const again = await openEvents(central, li.cookie, arrived.id);
      const first = await again.next(() => true);
      expect(first.board.acknowledged.map((r) => [r.id, r.acknowledgement?.by])).toEqual([
        [report.id, 'officer-li'],
      ]);
      again.close();
    } finally {
      events.close();
    }
  });

  it('ends the stream once its session has ended (signed out elsewhere)', async () => {
    const li = await signIn(central, 'officer-li');
    const events = await openEvents(central, li.cookie);
    try {
      await events.next(() => true);
      const signOut = await fetch(`${central.url}/console/api/sign-out`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          origin: central.url,
          cookie: li.cookie,
          'x-csrf-token': li.csrf,
        },
        body: '{}',
        signal: AbortSignal.timeout(10_000),
      });
      expect(signOut.status).toBe(200);
      await expect(events.next(() => false)).rejects.toThrow('the stream ended');
    } finally {
      events.close();
    }
  });

  it('streams a report stored through another central instance on the same store', async () => {
    second = await startCentralServer(serverOptions);
    const li = await signIn(central, 'officer-li');
    const events = await openEvents(central, li.cookie);
    try {
      await events.next((board) => board.open.length === 0);
      const report = sampleMissingPersonReport('bj-dc-01');
      expect(await upload(second, 'bj-dc-01', report)).toBe('stored');
      await events.next((board) => board.open.some((r) => r.id === report.id));
    } finally {
      events.close();
    }
  });
});
