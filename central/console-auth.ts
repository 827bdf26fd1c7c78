import {
  createHash,
  randomBytes,
  scrypt as scryptCallback,
  timingSafeEqual,
  type ScryptOptions,
} from 'node:crypto';
import {
  consoleRoleSchema,
  consoleUserNameSchema,
  type AuditEntry,
  type ConsoleRole,
} from './console-schemas.js';
import type { CentralDb } from './db.js';

export { consoleRoleSchema, type AuditEntry, type ConsoleRole } from './console-schemas.js';

/**
 * The web console's people and sessions (central/console.ts serves them): users with a role and an scrypt
 * password hash, sessions keyed by the SHA-256 of a random 256-bit cookie id, and the audit trail. Works on both
 * stores (the tables are migration 3 in central/db.ts and central/db-postgres.ts).
 */

/** Shortest password accepted when a user is created. */
export const MIN_PASSWORD_LENGTH = 12;

/** scrypt cost: N = 2^15, r = 8, p = 1 (32 MiB, about 50–100 ms: slow for a guesser, fine for a sign-in). */
const SCRYPT = { N: 1 << 15, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;

function scrypt(
  password: string,
  salt: Buffer,
  params: { N: number; r: number; p: number },
): Promise<Buffer> {
  const options: ScryptOptions = { ...params, maxmem: 128 * params.N * params.r * 2 };
  return new Promise((resolve, reject) => {
    scryptCallback(password.normalize('NFC'), salt, KEY_LENGTH, options, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

/** Hashes a password with scrypt and a fresh 128-bit salt: `scrypt$N$r$p$SALT$HASH` (base64url). */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, SCRYPT);
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64url'), key.toString('base64url')].join(
    '$',
  );
}

/** Whether `password` matches a {@link hashPassword} result; constant-time comparison, false for a malformed hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  const [kind, n, r, p, salt, hash] = parts;
  if (parts.length !== 6 || kind !== 'scrypt' || salt === undefined || hash === undefined) return false;
  const params = { N: Number(n), r: Number(r), p: Number(p) };
  if (![params.N, params.r, params.p].every((value) => Number.isInteger(value) && value > 0)) return false;
  const expected = Buffer.from(hash, 'base64url');
  if (expected.length !== KEY_LENGTH) return false;
  const actual = await scrypt(password, Buffer.from(salt, 'base64url'), params);
  return timingSafeEqual(actual, expected);
}

/**
 * A hash nobody's password matches, checked when the user name is unknown so that a wrong name costs the same
 * time as a wrong password (no user enumeration by timing).
 */
let dummyHash: Promise<string> | undefined;
function unknownUserHash(): Promise<string> {
  dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
  return dummyHash;
}

/** A console user as the console sees it (never the hash). */
export interface ConsoleUser {
  readonly name: string;
  readonly role: ConsoleRole;
}

/**
 * Creates a console user, or replaces the password and role of an existing one (`replace`); refuses a short
 * password. Returns whether a user was created (false: updated).
 */
export async function addConsoleUser(
  db: CentralDb,
  user: { name: string; role: ConsoleRole; password: string; replace?: boolean },
  now: number = Date.now(),
): Promise<boolean> {
  const name = consoleUserNameSchema.parse(user.name);
  const role = consoleRoleSchema.parse(user.role);
  if ([...user.password].length < MIN_PASSWORD_LENGTH)
    throw new Error(`the password must have at least ${MIN_PASSWORD_LENGTH} characters`);
  const hash = await hashPassword(user.password);
  return db.transaction(async () => {
    const existing = await db.get<{ name: string }>('SELECT name FROM console_users WHERE name = ?', [name]);
    if (existing && user.replace !== true) throw new Error(`console user ${name} already exists`);
    if (existing) {
      await db.run('UPDATE console_users SET role = ?, password_hash = ? WHERE name = ?', [role, hash, name]);
      // A new password ends every session opened with the old one.
      await db.run('DELETE FROM console_sessions WHERE user_name = ?', [name]);
      return false;
    }
    await db.run('INSERT INTO console_users (name, role, password_hash, created_at) VALUES (?, ?, ?, ?)', [
      name,
      role,
      hash,
      now,
    ]);
    return true;
  });
}

/** Checks a name and password; the user on success, null otherwise (same work either way). */
export async function checkConsoleCredentials(
  db: CentralDb,
  name: string,
  password: string,
): Promise<ConsoleUser | null> {
  const row = consoleUserNameSchema.safeParse(name).success
    ? await db.get<{ name: string; role: string; password_hash: string }>(
        'SELECT name, role, password_hash FROM console_users WHERE name = ?',
        [name],
      )
    : undefined;
  const ok = await verifyPassword(password, row?.password_hash ?? (await unknownUserHash()));
  const role = consoleRoleSchema.safeParse(row?.role);
  return ok && row && role.success ? { name: row.name, role: role.data } : null;
}

/** How long sessions last. */
export interface SessionLimits {
  /** From sign-in, whatever the activity. Default 12 h (one duty shift). */
  readonly absoluteMs: number;
  /** Without any request. Default 30 min. */
  readonly idleMs: number;
}

/** Defaults of {@link SessionLimits}. */
export const DEFAULT_SESSION_LIMITS: SessionLimits = { absoluteMs: 12 * 3_600_000, idleMs: 30 * 60_000 };

/** A signed-in session: its user and the token the browser must echo in `x-csrf-token` on every change. */
export interface ConsoleSession {
  readonly user: ConsoleUser;
  readonly csrfToken: string;
  readonly idHash: string;
}

function sessionHash(id: string): string {
  return createHash('sha256').update(id, 'utf8').digest('hex');
}

/** Opens a session: a fresh random 256-bit id (the cookie value) of which only the SHA-256 is stored. */
export async function openConsoleSession(
  db: CentralDb,
  user: ConsoleUser,
  now: number,
  limits: SessionLimits,
): Promise<{ id: string; session: ConsoleSession }> {
  const id = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(32).toString('base64url');
  const idHash = sessionHash(id);
  await db.run(
    'INSERT INTO console_sessions (id_hash, user_name, csrf_token, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)',
    [idHash, user.name, csrfToken, now, now, now + limits.absoluteMs],
  );
  // Expired sessions of anyone are swept on each sign-in: the table stays small without a timer.
  await db.run('DELETE FROM console_sessions WHERE expires_at <= ? OR last_seen_at <= ?', [
    now,
    now - limits.idleMs,
  ]);
  return { id, session: { user, csrfToken, idHash } };
}

/**
 * The live session of a cookie id, refreshing its idle clock; null (and the row deleted) when it is unknown,
 * past its absolute expiry or idle for longer than the idle timeout.
 */
export async function findConsoleSession(
  db: CentralDb,
  id: string,
  now: number,
  limits: SessionLimits,
): Promise<ConsoleSession | null> {
  const idHash = sessionHash(id);
  const row = await db.get<{
    user_name: string;
    role: string;
    csrf_token: string;
    last_seen_at: number;
    expires_at: number;
  }>(
    `SELECT s.user_name, u.role, s.csrf_token, s.last_seen_at, s.expires_at
       FROM console_sessions s JOIN console_users u ON u.name = s.user_name WHERE s.id_hash = ?`,
    [idHash],
  );
  if (!row) return null;
  const role = consoleRoleSchema.safeParse(row.role);
  if (!role.success || now >= row.expires_at || now - row.last_seen_at >= limits.idleMs) {
    await db.run('DELETE FROM console_sessions WHERE id_hash = ?', [idHash]);
    return null;
  }
  await db.run('UPDATE console_sessions SET last_seen_at = ? WHERE id_hash = ?', [now, idHash]);
  return { user: { name: row.user_name, role: role.data }, csrfToken: row.csrf_token, idHash };
}

/** Ends a session (sign-out). */
export async function closeConsoleSession(db: CentralDb, session: ConsoleSession): Promise<void> {
  await db.run('DELETE FROM console_sessions WHERE id_hash = ?', [session.idHash]);
}

/** Appends to the audit trail. `detail` never holds a password or a token. */
export async function audit(
  db: CentralDb,
  entry: { user: string | null; action: string; outcome: 'ok' | 'refused'; detail?: string },
  now: number,
): Promise<void> {
  await db.run('INSERT INTO console_audit (at, user_name, action, outcome, detail) VALUES (?, ?, ?, ?, ?)', [
    now,
    entry.user,
    entry.action,
    entry.outcome,
    entry.detail ?? null,
  ]);
}

/** The newest `limit` audit lines, newest first. */
export async function readAudit(db: CentralDb, limit: number): Promise<AuditEntry[]> {
  const rows = await db.all<{
    id: number;
    at: number;
    user_name: string | null;
    action: string;
    outcome: string;
    detail: string | null;
  }>('SELECT id, at, user_name, action, outcome, detail FROM console_audit ORDER BY id DESC LIMIT ?', [
    limit,
  ]);
  return rows.map((row) => ({
    id: Number(row.id),
    at: new Date(Number(row.at)).toISOString(),
    user: row.user_name,
    action: row.action,
    outcome: row.outcome === 'ok' ? 'ok' : 'refused',
    detail: row.detail,
  }));
}
