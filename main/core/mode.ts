/**
 * Demonstration or production: one setting, decided once when a kiosk starts, that every demonstration-only
 * thing hangs on — simulated peripherals, the demonstration catalog and its signing key, the demonstration
 * technician PIN, the `sim.*` API methods and the on-screen simulation panel, the local reference central server
 * and its development tokens. A production kiosk has none of them.
 */

/** The two kinds of kiosk. */
export type KioskMode = 'demonstration' | 'production';

/** The mode a kiosk starts in, and why (said on start-up and shown to technicians). */
export interface ModeDecision {
  readonly mode: KioskMode;
  readonly reason: string;
}

/** What decides the mode. */
export interface ModeInputs {
  /** `BOOTH_SIMULATE=1` asks for a demonstration kiosk; anything else (or unset) is production. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** A packaged (installed) build: always production, whatever the environment says. */
  readonly packaged?: boolean;
  /** The data directory was enrolled with `booth provision`: a real kiosk, always production. */
  readonly provisioned?: boolean;
}

/**
 * Decides the kiosk's mode. Demonstration only when asked for (`npm start` from the repository asks for it) and
 * never in a packaged build or on a provisioned data directory; production is the default, so a kiosk that was
 * set up carelessly fails closed (out of service) instead of open (demo keys trusted).
 */
export function resolveKioskMode(inputs: ModeInputs): ModeDecision {
  const asked = inputs.env.BOOTH_SIMULATE === '1';
  if (inputs.packaged) {
    return {
      mode: 'production',
      reason: asked
        ? 'a packaged build is always production (BOOTH_SIMULATE=1 is ignored)'
        : 'a packaged build is always production',
    };
  }
  if (inputs.provisioned) {
    return {
      mode: 'production',
      reason: asked
        ? 'this data directory is provisioned for a real kiosk (BOOTH_SIMULATE=1 is ignored)'
        : 'this data directory is provisioned for a real kiosk',
    };
  }
  if (asked) return { mode: 'demonstration', reason: 'BOOTH_SIMULATE=1 asks for a demonstration kiosk' };
  return {
    mode: 'production',
    reason:
      inputs.env.BOOTH_SIMULATE === undefined
        ? 'production is the default (BOOTH_SIMULATE=1 asks for a demonstration kiosk)'
        : `BOOTH_SIMULATE=${inputs.env.BOOTH_SIMULATE}`,
  };
}
