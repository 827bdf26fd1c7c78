/**
 * The kiosk's health snapshot as every reader sees it (the technician screen, `booth health --json`, the
 * diagnostics bundle); taken by main/core/health.ts. No Node imports: the renderer reads this type.
 */
import { z } from 'zod';

/** A device's state as the snapshot carries it. */
export const healthDeviceSchema = z.object({
  kind: z.string().min(1).max(40),
  state: z.enum(['online', 'offline', 'no-device', 'busy', 'error', 'unknown']),
  code: z.string().max(80).nullable(),
  recovery: z.string().max(80).nullable(),
  connection: z.string().max(300),
  paperLow: z.boolean().optional(),
});

/** The health snapshot. */
export const healthSnapshotSchema = z.object({
  /** When it was taken (ISO). */
  at: z.string(),
  version: z.string(),
  kioskId: z.string(),
  mode: z.enum(['demonstration', 'production']),
  /** Whether a running kiosk core took it (false: `booth health` on a data directory with no kiosk running). */
  live: z.boolean(),
  service: z.enum(['in-service', 'out-of-service', 'unknown']),
  /** Seconds since the kiosk core started; null when no core is running. */
  uptimeS: z.number().nullable(),
  memory: z
    .object({ rssBytes: z.number(), heapUsedBytes: z.number(), systemFreeBytes: z.number() })
    .nullable(),
  disk: z.object({ path: z.string(), freeBytes: z.number(), totalBytes: z.number() }).nullable(),
  outbox: z.object({
    depth: z.number().int(),
    urgent: z.number().int(),
    oldestAgeMs: z.number().nullable(),
    lastError: z.string().nullable(),
    lastSuccessAt: z.string().nullable(),
  }),
  central: z.object({
    configured: z.boolean(),
    /** Whether the last heartbeat got an answer; null before the first one (or with no core running). */
    reachable: z.boolean().nullable(),
    latencyMs: z.number().nullable(),
    checkedAt: z.string().nullable(),
    error: z.string().nullable(),
  }),
  catalog: z.object({
    appliedVersion: z.number().nullable(),
    stagedVersion: z.number().nullable(),
    expiresAt: z.string().nullable(),
    expired: z.boolean(),
    lastRejection: z
      .object({
        version: z.number().nullable(),
        reason: z.string(),
        message: z.string(),
        at: z.string(),
      })
      .nullable(),
  }),
  devices: z.array(healthDeviceSchema),
});

/** The health snapshot. */
export type HealthSnapshot = z.infer<typeof healthSnapshotSchema>;
/** One device in it. */
export type HealthDevice = z.infer<typeof healthDeviceSchema>;
