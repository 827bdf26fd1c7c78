import { randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { z } from 'zod';
import { err, ok, type Result } from '../../../contract/result.js';
import type { KioskStore } from '../../store/store.js';

const scrypt = promisify(scryptCb) as (password: string, salt: Buffer, keylen: number) => Promise<Buffer>;

/** Settings key of the technician PIN (scrypt hash, never the PIN). */
export const TECHNICIAN_PIN_SETTING = 'technician.pin';
/** The PIN a demonstration kiosk accepts while none has been set. Never on a production kiosk. */
export const DEMO_TECHNICIAN_PIN = '000000';

const storedPinSchema = z.object({ salt: z.string(), hash: z.string(), n: z.number().int() }).nullable();

/** Hashes a PIN with scrypt and a random salt, for storing. */
export async function hashPin(pin: string): Promise<{ salt: string; hash: string; n: number }> {
  const salt = randomBytes(16);
  const hash = await scrypt(pin, salt, 32);
  return { salt: salt.toString('base64'), hash: hash.toString('base64'), n: 16384 };
}

/** Whether a PIN is acceptable to set: 6 to 12 digits, not all the same digit. */
export function isAcceptablePin(pin: string): boolean {
  return /^\d{6,12}$/.test(pin) && !/^(\d)\1+$/.test(pin);
}

/** Settings key of the persisted lockout state (counts and times, nothing personal). */
export const TECHNICIAN_LOCKOUT_SETTING = 'technician.lockout';

/**
 * The lockout policy. Five failed attempts lock sign-in for one minute; each further lockout in a row doubles
 * that (1, 2, 4, 8, 16, 32 min), capped at one hour. A successful sign-in, a new PIN set on the kiosk, or a day
 * without a failure starts over. The state lives in the store, so a restart does not hand out fresh guesses.
 */
export const LOCKOUT_DEFAULTS = {
  maxFailures: 5,
  lockoutMs: 60_000,
  maxLockoutMs: 60 * 60_000,
  resetAfterMs: 24 * 60 * 60_000,
} as const;

/**
 * The persisted lockout state (times in ms since the epoch). `failures` counts failed attempts since the last
 * lockout or success (`noPinSet` of them on a kiosk without a PIN) — not yet in the audit log, which gets them
 * as one row when the round ends; `level` counts lockouts in a row; `refused` counts attempts refused during
 * the current lockout, written as one row once it is over.
 */
const lockoutStateSchema = z.object({
  failures: z.number().int().min(0),
  noPinSet: z.number().int().min(0),
  level: z.number().int().min(0),
  lockedUntil: z.number().int().min(0),
  lastFailureAt: z.number().int().min(0),
  refused: z.number().int().min(0),
});
type LockoutState = z.infer<typeof lockoutStateSchema>;

const FRESH: LockoutState = {
  failures: 0,
  noPinSet: 0,
  level: 0,
  lockedUntil: 0,
  lastFailureAt: 0,
  refused: 0,
};

/** Why a login attempt was refused. */
export interface LoginRefusal {
  readonly code: 'wrong-pin' | 'locked' | 'no-pin-set';
  /** Attempts left before the next lockout (0 while locked). */
  readonly attemptsLeft: number;
  /** When the lockout ends (ms since the epoch), or null when not locked. */
  readonly lockedUntil: number | null;
  readonly retryAfterMs?: number;
}

/** Outcome of a login attempt: signed in until `expiresAt`, or refused. */
export type LoginOutcome = Result<{ readonly expiresAt: number }, LoginRefusal>;

/** Outcome of a PIN change from the technician screen. */
export type PinChangeOutcome = Result<
  null,
  { readonly code: 'not-signed-in' | 'wrong-pin' | 'unacceptable-pin' }
>;

/** Options of {@link TechnicianAuth}. */
export interface TechnicianAuthOptions {
  /**
   * The kiosk runs as a demonstration: while no PIN is set, the demonstration PIN opens the maintenance view.
   * Never on a production kiosk.
   */
  readonly demonstration: boolean;
  readonly now?: () => number;
  /** Failed attempts before a lockout (default 5). */
  readonly maxFailures?: number;
  /** The first lockout's length (default 1 min); each further lockout in a row doubles it. */
  readonly lockoutMs?: number;
  /** The longest lockout (default 1 h). */
  readonly maxLockoutMs?: number;
  /** A failure older than this no longer counts (default 24 h). */
  readonly resetAfterMs?: number;
  readonly sessionMs?: number;
}

/**
 * Technician sign-in: a scrypt-hashed PIN, and a lockout persisted in the store with escalating back-off.
 * Every attempt is audited, coalesced so that a brute-force run cannot flood the audit log: at most one
 * `technician.login-failed` row per round of failures (written when the round ends in a lockout, a success or
 * a day's quiet, with the count) and one `technician.login-refused` row per lockout (with the count of
 * attempts refused during it) — two rows per lockout window at most.
 */
export class TechnicianAuth {
  private readonly sessions = new Map<number, number>();
  /** Attempts are checked one at a time, so a burst of parallel guesses cannot outrun the lockout. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: KioskStore,
    private readonly options: TechnicianAuthOptions,
  ) {}

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  private get maxFailures(): number {
    return this.options.maxFailures ?? LOCKOUT_DEFAULTS.maxFailures;
  }

  /** The length of the `level`-th lockout in a row (1-based). */
  private lockoutLength(level: number): number {
    const base = this.options.lockoutMs ?? LOCKOUT_DEFAULTS.lockoutMs;
    const cap = this.options.maxLockoutMs ?? LOCKOUT_DEFAULTS.maxLockoutMs;
    return Math.min(cap, base * 2 ** Math.min(Math.max(0, level - 1), 30));
  }

  private async readState(): Promise<LockoutState> {
    return this.store.settings.get(TECHNICIAN_LOCKOUT_SETTING, lockoutStateSchema, FRESH);
  }

  private async writeState(state: LockoutState): Promise<void> {
    await this.store.settings.set(TECHNICIAN_LOCKOUT_SETTING, state);
  }

  /** Writes the round's failures as one audit row, if there were any. */
  private async flushFailures(state: LockoutState, lockedUntil: number | null): Promise<LockoutState> {
    if (state.failures === 0) return state;
    await this.store.audit.append('technician.login-failed', 'technician', {
      count: state.failures,
      noPinSet: state.noPinSet,
      lockedUntil,
      level: lockedUntil === null ? null : state.level,
    });
    return { ...state, failures: 0, noPinSet: 0 };
  }

  /** Writes the attempts refused during a lockout that is over as one audit row. */
  private async flushRefused(state: LockoutState): Promise<LockoutState> {
    if (state.refused === 0) return state;
    await this.store.audit.append('technician.login-refused', 'technician', {
      reason: 'locked',
      count: state.refused,
      lockedUntil: state.lockedUntil,
    });
    return { ...state, refused: 0 };
  }

  /** Checks a PIN for a connection; on success the connection holds a technician session. */
  login(connectionId: number, pin: string): Promise<LoginOutcome> {
    const attempt = this.queue.then(() => this.attempt(connectionId, pin));
    // Only the queue's order: the caller of `attempt` gets its error.
    this.queue = attempt.catch(() => undefined);
    return attempt;
  }

  private async attempt(connectionId: number, pin: string): Promise<LoginOutcome> {
    const now = this.now();
    let state = await this.readState();
    if (now < state.lockedUntil) {
      // A clock stepped back must not stretch a lockout beyond its own length.
      const longest = this.lockoutLength(state.level);
      const lockedUntil = Math.min(state.lockedUntil, now + longest);
      await this.writeState({ ...state, lockedUntil, refused: state.refused + 1 });
      return err({ code: 'locked', attemptsLeft: 0, lockedUntil, retryAfterMs: lockedUntil - now });
    }
    // The lockout (if any) is over: account for what it refused.
    state = await this.flushRefused(state);
    const resetAfter = this.options.resetAfterMs ?? LOCKOUT_DEFAULTS.resetAfterMs;
    if ((state.failures > 0 || state.level > 0) && now - state.lastFailureAt >= resetAfter) {
      // A day without a failure: old failures no longer count, and the back-off starts over.
      state = { ...(await this.flushFailures(state, null)), level: 0 };
    }

    const stored = await this.store.settings.get(TECHNICIAN_PIN_SETTING, storedPinSchema, null);
    let good: boolean;
    let reason: 'wrong-pin' | 'no-pin-set' = 'wrong-pin';
    if (stored) {
      const actual = await scrypt(pin, Buffer.from(stored.salt, 'base64'), 32);
      const expected = Buffer.from(stored.hash, 'base64');
      good = actual.length === expected.length && timingSafeEqual(actual, expected);
    } else if (this.options.demonstration) {
      good = pin === DEMO_TECHNICIAN_PIN;
    } else {
      // Counted like a wrong PIN: otherwise tapping "sign in" on a kiosk without a PIN would be an unbounded
      // stream of audit rows.
      good = false;
      reason = 'no-pin-set';
    }

    if (good) {
      state = await this.flushFailures(state, null);
      await this.writeState({ ...FRESH });
      const expiresAt = now + (this.options.sessionMs ?? 10 * 60_000);
      this.sessions.set(connectionId, expiresAt);
      await this.store.audit.append('technician.login', 'technician', {});
      return ok({ expiresAt });
    }

    state = {
      ...state,
      failures: state.failures + 1,
      noPinSet: state.noPinSet + (reason === 'no-pin-set' ? 1 : 0),
      lastFailureAt: now,
    };
    if (state.failures >= this.maxFailures) {
      const level = state.level + 1;
      const lockedUntil = now + this.lockoutLength(level);
      state = await this.flushFailures({ ...state, level }, lockedUntil);
      await this.writeState({ ...state, level, lockedUntil });
      return err({ code: 'locked', attemptsLeft: 0, lockedUntil, retryAfterMs: lockedUntil - now });
    }
    await this.writeState(state);
    return err({ code: reason, attemptsLeft: this.maxFailures - state.failures, lockedUntil: null });
  }

  /** Whether a connection holds a live technician session. */
  isSignedIn(connectionId: number): boolean {
    const expiresAt = this.sessions.get(connectionId);
    if (expiresAt === undefined) return false;
    if (this.now() >= expiresAt) {
      this.sessions.delete(connectionId);
      return false;
    }
    return true;
  }

  /** Ends a connection's session. */
  async logout(connectionId: number): Promise<void> {
    if (this.sessions.delete(connectionId))
      await this.store.audit.append('technician.logout', 'technician', {});
  }

  /**
   * Changes the PIN from the technician screen: the connection must be signed in and give the current PIN again
   * (a screen left signed in must not let a passer-by take the kiosk over). A wrong current PIN ends the session,
   * so further guesses go through sign-in and its lockout.
   */
  async changePin(connectionId: number, current: string, next: string): Promise<PinChangeOutcome> {
    if (!this.isSignedIn(connectionId)) return err({ code: 'not-signed-in' });
    const stored = await this.store.settings.get(TECHNICIAN_PIN_SETTING, storedPinSchema, null);
    let good: boolean;
    if (stored) {
      const actual = await scrypt(current, Buffer.from(stored.salt, 'base64'), 32);
      const expected = Buffer.from(stored.hash, 'base64');
      good = actual.length === expected.length && timingSafeEqual(actual, expected);
    } else good = this.options.demonstration === true && current === DEMO_TECHNICIAN_PIN;
    if (!good) {
      await this.logout(connectionId);
      return err({ code: 'wrong-pin' });
    }
    if (!isAcceptablePin(next)) return err({ code: 'unacceptable-pin' });
    await this.setPin(next);
    return ok(null);
  }

  /**
   * Sets a new PIN (from the CLI on the kiosk, which takes access to the machine itself). Setting it also ends
   * a lockout and the back-off: whoever can run the CLI does not need to guess, and a technician who forgot
   * the PIN should not then wait out an hour. What the lockout refused is still written to the audit log.
   */
  async setPin(pin: string): Promise<void> {
    if (!isAcceptablePin(pin)) throw new Error('a PIN is 6 to 12 digits and not one digit repeated');
    await this.store.settings.set(TECHNICIAN_PIN_SETTING, await hashPin(pin));
    const state = await this.readState();
    await this.flushFailures(await this.flushRefused(state), null);
    await this.writeState({ ...FRESH });
    await this.store.audit.append('technician.pin-changed', 'technician', {
      lockoutCleared: state.level > 0,
    });
  }
}
