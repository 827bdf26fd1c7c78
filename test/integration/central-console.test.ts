import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addConsoleUser } from '../../central/console-auth.js';
import { CONSOLE_CSP } from '../../central/console.js';
import { openCentralDb, type CentralDb } from '../../central/db.js';
import { sampleHeartbeat } from '../../central/fixtures.js';
import { startCentralServer, type CentralServer } from '../../central/server.js';
import { CENTRAL_BACKEND, sharedCentralStore } from '../support/central-store.js';
import { consoleClient } from '../support/console-client.js';

/**
 * The web console's server side (central/console.ts) on both stores: sign-in and sessions (cookie attributes,
 * idle timeout, absolute expiry, sign-out, no fixation), CSRF and Origin checks, role checks, the sign-in rate
 * limit, the audit trail, and the fleet behind a session rather than a bearer token.
 */

const IDLE_MS = 30 * 60_000;
const ABSOLUTE_MS = 12 * 3_600_000;
const ADMIN_PASSWORD = 'admin password long enough';
const OFFICER_PASSWORD = 'officer password long enough';

let central: CentralServer;
let db: CentralDb;
let clock: number;
let rateClock: number;
let staticDir: string;
let removeStore: () => void;

beforeEach(async () => {
  clock = Date.parse('2026-12-01T08:00:00Z');
  rateClock = 0;
  staticDir = mkdtempSync(path.join(tmpdir(), 'console-static-'));
  writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>console</title>');
  const store = await sharedCentralStore();
  removeStore = store.remove;
  central = await startCentralServer({
    ...store.options,
    kioskTokens: { 'bj-dc-01': 'kiosk-token-1' },
    adminToken: 'admin-bearer-token',
    now: () => clock,
    console: {
      staticDir,
      rateClock: () => rateClock,
      sessionLimits: { idleMs: IDLE_MS, absoluteMs: ABSOLUTE_MS },
    },
  });
  // A second connection to the same store, as the CLI's `user add` opens it.
  db = await openCentralDb(store.options.database ?? path.join(store.options.dataDir, 'central.sqlite'));
  await addConsoleUser(db, { name: 'chief', role: 'administrator', password: ADMIN_PASSWORD });
  await addConsoleUser(db, { name: 'officer', role: 'duty-officer', password: OFFICER_PASSWORD });
});

afterEach(async () => {
  await db.close();
  await central.close();
  removeStore();
  rmSync(staticDir, { recursive: true, force: true });
});

const { request, signIn } = consoleClient(() => central.url);

async function auditRows(): Promise<
  { user_name: string | null; action: string; outcome: string; detail: string | null }[]
> {
  return db.all('SELECT user_name, action, outcome, detail FROM console_audit ORDER BY id');
}

describe(`web console (${CENTRAL_BACKEND})`, () => {
  it('signs in with a HttpOnly, SameSite=Strict session cookie on /console, and never stores the session id', async () => {
    const { cookie, csrf, setCookie } = await signIn('chief', ADMIN_PASSWORD);
    expect(setCookie).toMatch(/^booth_console=[\w-]{43}; /);
    expect(setCookie).toContain('Path=/console');
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Strict');
    // Plain http on loopback: not Secure (the browser would drop it); HTTPS sets Secure (see README).
    expect(setCookie).not.toContain('Secure');
    expect(csrf).toMatch(/^[\w-]{43}$/);
    const session = await request('/console/api/session', { cookie });
    expect(session.status).toBe(200);
    expect(session.body).toEqual({ user: { name: 'chief', role: 'administrator' }, csrfToken: csrf });
    const id = cookie.split('=')[1] ?? '';
    const stored = await db.all<{ id_hash: string }>('SELECT id_hash FROM console_sessions');
    expect(stored).toHaveLength(1);
    expect(stored[0]?.id_hash).not.toContain(id);
    expect(stored[0]?.id_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(await auditRows()).toEqual([
      { user_name: 'chief', action: 'sign-in', outcome: 'ok', detail: null },
    ]);
  });

  it('refuses a wrong password or an unknown user alike, audits both without the password', async () => {
    const wrong = await request('/console/api/session', {
      method: 'POST',
      body: { name: 'chief', password: 'guessed-password-123' },
    });
    const unknown = await request('/console/api/session', {
      method: 'POST',
      body: { name: 'nobody', password: 'guessed-password-123' },
    });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.headers.get('set-cookie')).toBeNull();
    const rows = await auditRows();
    expect(rows).toEqual([
      { user_name: 'chief', action: 'sign-in', outcome: 'refused', detail: 'wrong name or password' },
      { user_name: 'nobody', action: 'sign-in', outcome: 'refused', detail: 'wrong name or password' },
    ]);
    expect(JSON.stringify(rows)).not.toContain('guessed-password-123');
  });

  it('ends a session after the idle timeout, and after the absolute limit however active', async () => {
    const idle = await signIn('chief', ADMIN_PASSWORD);
    clock += IDLE_MS - 1000;
    expect((await request('/console/api/fleet', { cookie: idle.cookie })).status).toBe(200);
    // Activity refreshed the idle clock: another almost-idle period is fine, a whole one is not.
    clock += IDLE_MS - 1000;
    expect((await request('/console/api/fleet', { cookie: idle.cookie })).status).toBe(200);
    clock += IDLE_MS;
    expect((await request('/console/api/fleet', { cookie: idle.cookie })).status).toBe(401);

    const busy = await signIn('chief', ADMIN_PASSWORD);
    for (let spent = 0; spent < ABSOLUTE_MS - IDLE_MS / 2; spent += IDLE_MS / 2) {
      clock += IDLE_MS / 2;
      expect((await request('/console/api/fleet', { cookie: busy.cookie })).status).toBe(200);
    }
    clock += IDLE_MS / 2;
    expect((await request('/console/api/fleet', { cookie: busy.cookie })).status).toBe(401);
  });

  it('signs out only with the CSRF token from the same origin; the old cookie is then dead', async () => {
    const { cookie, csrf } = await signIn('chief', ADMIN_PASSWORD);
    const noToken = await request('/console/api/sign-out', { method: 'POST', cookie });
    expect(noToken.status).toBe(403);
    expect(noToken.body).toMatchObject({ error: { code: 'bad-csrf-token' } });
    const wrongToken = await request('/console/api/sign-out', {
      method: 'POST',
      cookie,
      csrf: `${csrf.slice(1)}A`,
    });
    expect(wrongToken.status).toBe(403);
    const foreign = await request('/console/api/sign-out', {
      method: 'POST',
      cookie,
      csrf,
      origin: 'https://evil.example',
    });
    expect(foreign.status).toBe(403);
    expect(foreign.body).toMatchObject({ error: { code: 'bad-origin' } });
    const noOrigin = await request('/console/api/sign-out', { method: 'POST', cookie, csrf, origin: null });
    expect(noOrigin.status).toBe(403);
    // None of those ended the session.
    expect((await request('/console/api/session', { cookie })).status).toBe(200);

    const out = await request('/console/api/sign-out', { method: 'POST', cookie, csrf });
    expect(out.status).toBe(200);
    expect(out.headers.get('set-cookie')).toMatch(/^booth_console=; .*Max-Age=0/);
    expect((await request('/console/api/session', { cookie })).status).toBe(401);
    expect((await request('/console/api/fleet', { cookie })).status).toBe(401);
    const rows = await auditRows();
    expect(rows.filter((row) => row.outcome === 'refused').map((row) => row.detail)).toEqual([
      'missing or wrong CSRF token',
      'missing or wrong CSRF token',
      'cross-origin or missing Origin',
      'cross-origin or missing Origin',
    ]);
    expect(rows.at(-1)).toEqual({ user_name: 'chief', action: 'sign-out', outcome: 'ok', detail: null });
  });

  it('refuses a sign-in posted from another origin (login CSRF)', async () => {
    const answer = await request('/console/api/session', {
      method: 'POST',
      origin: 'https://evil.example',
      body: { name: 'chief', password: ADMIN_PASSWORD },
    });
    expect(answer.status).toBe(403);
    expect(answer.headers.get('set-cookie')).toBeNull();
  });

  it('gives a fresh session id on sign-in: a planted cookie is never promoted (no fixation)', async () => {
    const planted = 'booth_console=planted-by-someone-else-0000000000000000000000';
    const answer = await request('/console/api/session', {
      method: 'POST',
      cookie: planted,
      body: { name: 'chief', password: ADMIN_PASSWORD },
    });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('set-cookie')?.split(';')[0]).not.toBe(planted);
    expect((await request('/console/api/session', { cookie: planted })).status).toBe(401);
  });

  it('lets duty officers see the fleet but not the audit trail (refusal audited)', async () => {
    const officer = await signIn('officer', OFFICER_PASSWORD);
    expect((await request('/console/api/fleet', { cookie: officer.cookie })).status).toBe(200);
    const audit = await request('/console/api/audit', { cookie: officer.cookie });
    expect(audit.status).toBe(403);
    expect(audit.body).toMatchObject({ error: { code: 'forbidden' } });
    expect((await auditRows()).at(-1)).toEqual({
      user_name: 'officer',
      action: 'audit.view',
      outcome: 'refused',
      detail: 'role duty-officer',
    });
    const chief = await signIn('chief', ADMIN_PASSWORD);
    const allowed = await request('/console/api/audit', { cookie: chief.cookie });
    expect(allowed.status).toBe(200);
    expect(
      (allowed.body as { entries: { action: string }[] }).entries.map((entry) => entry.action),
    ).toContain('audit.view');
  });

  it('rate limits sign-in attempts per user name and per address, and audits the refusals', async () => {
    for (let i = 0; i < 5; i++) {
      const answer = await request('/console/api/session', {
        method: 'POST',
        body: { name: 'chief', password: `wrong password ${i}` },
      });
      expect(answer.status).toBe(401);
    }
    // Even the right password waits now: a guesser cannot tell a limit from a miss by trying the real one.
    const limited = await request('/console/api/session', {
      method: 'POST',
      body: { name: 'chief', password: ADMIN_PASSWORD },
    });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await auditRows()).at(-1)).toEqual({
      user_name: 'chief',
      action: 'sign-in',
      outcome: 'refused',
      detail: 'rate limited',
    });
    // A minute later (the bucket's refill) the right password works again.
    rateClock += 60_000;
    await signIn('chief', ADMIN_PASSWORD);
  });

  it('serves the fleet from the heartbeats behind a session, not behind the admin bearer token', async () => {
    const hb = await fetch(`${central.url}/v1/heartbeat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer kiosk-token-1' },
      body: JSON.stringify({ kioskId: 'bj-dc-01', ...sampleHeartbeat({ catalogVersion: 4 }) }),
    });
    expect(hb.status).toBe(200);
    const bearer = await fetch(`${central.url}/console/api/fleet`, {
      headers: { authorization: 'Bearer admin-bearer-token' },
    });
    expect(bearer.status).toBe(401);
    const { cookie } = await signIn('officer', OFFICER_PASSWORD);
    const fleet = await request('/console/api/fleet', { cookie });
    expect(fleet.status).toBe(200);
    expect(fleet.headers.get('cache-control')).toBe('no-store');
    expect(fleet.body).toMatchObject({
      now: new Date(clock).toISOString(),
      staleAfterMs: 120_000,
      kiosks: [{ kioskId: 'bj-dc-01', catalogVersion: 4, lastHeartbeatAt: new Date(clock).toISOString() }],
    });
  });

  it('serves the app under a strict CSP and refuses paths outside it', async () => {
    const page = await request('/console/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe(CONSOLE_CSP);
    expect(CONSOLE_CSP).toContain("script-src 'self'");
    expect(CONSOLE_CSP).not.toContain('unsafe-inline');
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect((await request('/console')).status).toBe(308);
    expect((await request('/console/..%2f..%2fetc%2fpasswd')).status).toBe(404);
    expect((await request('/console/api/nothing')).status).toBe(404);
  });
});

describe(`console users (${CENTRAL_BACKEND})`, () => {
  it('refuses short passwords and duplicate names; a replaced password ends the sessions', async () => {
    await expect(
      addConsoleUser(db, { name: 'short', role: 'duty-officer', password: 'short' }),
    ).rejects.toThrow(/at least 12/);
    await expect(
      addConsoleUser(db, { name: 'chief', role: 'administrator', password: 'another long password' }),
    ).rejects.toThrow(/already exists/);
    const { cookie } = await signIn('chief', ADMIN_PASSWORD);
    await addConsoleUser(db, {
      name: 'chief',
      role: 'administrator',
      password: 'another long password',
      replace: true,
    });
    expect((await request('/console/api/session', { cookie })).status).toBe(401);
    await signIn('chief', 'another long password');
  });
});
