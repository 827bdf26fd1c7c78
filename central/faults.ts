import { z } from 'zod';
import { seededRandom } from '../drivers/common/random.js';

/**
 * Faults the server can inject into kiosk-facing requests (never into /v1/admin/*), so the kiosk's uploader
 * can be tested against a misbehaving central system:
 * - `500`, `503`, `429`: answer with that status and a JSON error; 429 and 503 carry `Retry-After`;
 * - `timeout`: read nothing more and never answer (the client has to give up);
 * - `reset`: destroy the socket before processing;
 * - `reset-after-commit`: process the request fully (a batch IS stored) and then destroy the socket instead of
 *   answering, the case idempotency keys exist for.
 */
export const faultKinds = ['none', '500', '429', '503', 'timeout', 'reset', 'reset-after-commit'] as const;
/** One injected fault. */
export type FaultKind = (typeof faultKinds)[number];

/** What a fault decision sees of the request. */
export interface FaultRequestInfo {
  readonly method: string;
  readonly path: string;
}

/** Declarative fault injection: independent probabilities, drawn from a seeded PRNG. */
export interface FaultConfig {
  /** Probability of each fault per request; their sum must be ≤ 1 (the remainder is `none`). */
  readonly rates: Partial<Record<Exclude<FaultKind, 'none'>, number>>;
  /** PRNG seed, for reproducible runs. Default 1. */
  readonly seed?: number;
  /** `Retry-After` on 429/503. Default 1 second. */
  readonly retryAfterSeconds?: number;
  /** Send `Retry-After` as an HTTP-date instead of delta-seconds. */
  readonly retryAfterAsDate?: boolean;
  /** Only requests whose path starts with one of these are affected. Default: every kiosk endpoint. */
  readonly paths?: readonly string[];
}

/** A fault decision per request, either computed or configured. */
export type FaultSetting = FaultConfig | ((request: FaultRequestInfo) => FaultKind);

/** A resolved decision, with how to say `Retry-After`. */
export interface FaultDecision {
  readonly kind: FaultKind;
  readonly retryAfterSeconds: number;
  readonly retryAfterAsDate: boolean;
}

const rateSchema = z.number().min(0).max(1);
const faultConfigSchema = z
  .object({
    rates: z.partialRecord(z.enum(faultKinds).exclude(['none']), rateSchema),
    seed: z.int().optional(),
    retryAfterSeconds: z.int().min(0).max(86_400).optional(),
    retryAfterAsDate: z.boolean().optional(),
    paths: z.array(z.string()).optional(),
  })
  .refine(
    (config) => Object.values(config.rates).reduce((sum: number, rate) => sum + (rate ?? 0), 0) <= 1 + 1e-9,
    {
      message: 'fault rates add up to more than 1',
    },
  );

export { seededRandom } from '../drivers/common/random.js';

/** Builds the per-request decision function; throws on an invalid config (a programming or CLI error). */
export function createFaultInjector(
  setting: FaultSetting | undefined,
): (request: FaultRequestInfo) => FaultDecision {
  const none: FaultDecision = { kind: 'none', retryAfterSeconds: 1, retryAfterAsDate: false };
  if (setting === undefined) return () => none;
  if (typeof setting === 'function') {
    return (request) => ({ ...none, kind: setting(request) });
  }
  const config = faultConfigSchema.parse(setting);
  const random = seededRandom(config.seed ?? 1);
  const entries = Object.entries(config.rates) as [Exclude<FaultKind, 'none'>, number][];
  const base = {
    retryAfterSeconds: config.retryAfterSeconds ?? 1,
    retryAfterAsDate: config.retryAfterAsDate ?? false,
  };
  return (request) => {
    if (config.paths !== undefined && !config.paths.some((prefix) => request.path.startsWith(prefix))) {
      return { ...base, kind: 'none' };
    }
    const draw = random();
    let cumulative = 0;
    for (const [kind, rate] of entries) {
      cumulative += rate;
      if (draw < cumulative) return { ...base, kind };
    }
    return { ...base, kind: 'none' };
  };
}

/**
 * Parses the CLI form "500:0.1,429:0.1,reset:0.05" into a FaultConfig. Throws an Error with a one-line reason
 * on bad input.
 */
export function parseFaultSpec(spec: string, seed?: number): FaultConfig {
  const rates: Partial<Record<Exclude<FaultKind, 'none'>, number>> = {};
  for (const part of spec
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '')) {
    const match = /^([a-z0-9-]+):([0-9]*\.?[0-9]+)$/.exec(part);
    const kind = match?.[1];
    const rate = Number(match?.[2]);
    if (kind === undefined || !(faultKinds as readonly string[]).includes(kind) || kind === 'none') {
      throw new Error(
        `bad fault "${part}": expected KIND:RATE with KIND one of ${faultKinds.slice(1).join(', ')}`,
      );
    }
    if (!(rate >= 0 && rate <= 1)) throw new Error(`bad fault rate in "${part}": expected 0..1`);
    rates[kind as Exclude<FaultKind, 'none'>] = rate;
  }
  const config: FaultConfig = { rates, ...(seed !== undefined ? { seed } : {}) };
  const checked = faultConfigSchema.safeParse(config);
  if (!checked.success)
    throw new Error(`bad faults "${spec}": ${checked.error.issues[0]?.message ?? 'invalid'}`);
  return config;
}
