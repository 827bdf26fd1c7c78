import { randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { z } from 'zod';
import type { KioskStore } from '../../store/store.js';

const scrypt = promisify(scryptCb) as (password: string, salt: Buffer, keylen: number) => Promise<Buffer>;

/** Settings key of the technician PIN (scrypt hash, never the PIN). */
export const TECHNICIAN_PIN_SETTING = 'technician.pin';
/** The PIN a simulated (demonstration) kiosk accepts while none has been set. Never on real hardware. */
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

/** Outcome of a login attempt. */
export type LoginOutcome =
  | { readonly ok: true; readonly expiresAt: number }
  | {
      readonly ok: false;
      readonly reason: 'wrong-pin' | 'locked' | 'no-pin-set';
      readonly retryAfterMs?: number;
    };

/** Technician sign-in: a scrypt-hashed PIN, lockout after repeated failures, every attempt audited. */
export class TechnicianAuth {
  private failures = 0;
  private lockedUntil = 0;
  private readonly sessions = new Map<number, number>();
  /** Attempts are checked one at a time, so a burst of parallel guesses cannot outrun the lockout. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: KioskStore,
    private readonly options: {
      /** The demonstration PIN works only on a simulated kiosk running a demonstration catalog. */
      readonly simulated: boolean;
      readonly now?: () => number;
      readonly maxFailures?: number;
      readonly lockoutMs?: number;
      readonly sessionMs?: number;
    },
  ) {}

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  /** Checks a PIN for a connection; on success the connection holds a technician session. */
  login(connectionId: number, pin: string): Promise<LoginOutcome> {
    const attempt = this.queue.then(() => this.attempt(connectionId, pin));
    this.queue = attempt.catch(() => undefined);
    return attempt;
  }

  private async attempt(connectionId: number, pin: string): Promise<LoginOutcome> {
    const now = this.now();
    if (now < this.lockedUntil) {
      await this.store.audit.append('technician.login-refused', 'technician', { reason: 'locked' });
      return { ok: false, reason: 'locked', retryAfterMs: this.lockedUntil - now };
    }
    const stored = await this.store.settings.get(TECHNICIAN_PIN_SETTING, storedPinSchema, null);
    let good: boolean;
    if (stored) {
      const actual = await scrypt(pin, Buffer.from(stored.salt, 'base64'), 32);
      const expected = Buffer.from(stored.hash, 'base64');
      good = actual.length === expected.length && timingSafeEqual(actual, expected);
    } else if (this.options.simulated) {
      good = pin === DEMO_TECHNICIAN_PIN;
    } else {
      await this.store.audit.append('technician.login-refused', 'technician', { reason: 'no-pin-set' });
      return { ok: false, reason: 'no-pin-set' };
    }
    if (!good) {
      this.failures += 1;
      if (this.failures >= (this.options.maxFailures ?? 5)) {
        this.lockedUntil = now + (this.options.lockoutMs ?? 5 * 60_000);
        this.failures = 0;
      }
      await this.store.audit.append('technician.login-failed', 'technician', {});
      return { ok: false, reason: 'wrong-pin' };
    }
    this.failures = 0;
    const expiresAt = now + (this.options.sessionMs ?? 10 * 60_000);
    this.sessions.set(connectionId, expiresAt);
    await this.store.audit.append('technician.login', 'technician', {});
    return { ok: true, expiresAt };
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

  /** Sets a new PIN (from the CLI on the kiosk). */
  async setPin(pin: string): Promise<void> {
    if (!isAcceptablePin(pin)) throw new Error('a PIN is 6 to 12 digits and not one digit repeated');
    await this.store.settings.set(TECHNICIAN_PIN_SETTING, await hashPin(pin));
    await this.store.audit.append('technician.pin-changed', 'technician', {});
  }
}
