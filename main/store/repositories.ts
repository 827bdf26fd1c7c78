import type { z } from 'zod';
import type { Database } from './database.js';

/** Key/value settings stored as JSON; values are parsed with the caller's schema when read. */
export class SettingsRepository {
  constructor(
    private readonly db: Database,
    private readonly now: () => number,
  ) {}

  /** Reads a setting; returns `fallback` when it is absent or does not match the schema. */
  async get<T>(key: string, schema: z.ZodType<T>, fallback: T): Promise<T> {
    const row = await this.db.get<{ value: string }>('SELECT value FROM settings WHERE key = ?', [key]);
    if (!row) return fallback;
    let raw: unknown;
    try {
      raw = JSON.parse(row.value);
    } catch {
      return fallback;
    }
    const parsed = schema.safeParse(raw);
    return parsed.success ? parsed.data : fallback;
  }

  /** Writes a setting. */
  async set(key: string, value: unknown): Promise<void> {
    await this.db.run(
      `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
      [key, JSON.stringify(value), this.now()],
    );
  }
}

/** Details of an audit event: flat, non-personal values only (ids, counts, codes — never names or ID numbers). */
export type AuditDetails = Readonly<Record<string, string | number | boolean | null>>;

/** One audit event. */
export interface AuditEntry {
  readonly id: number;
  readonly event: string;
  readonly actor: string;
  readonly at: number;
  readonly details: AuditDetails;
}

/** The append-only audit trail of security-relevant and data-lifecycle actions. */
export class AuditRepository {
  constructor(
    private readonly db: Database,
    private readonly now: () => number,
  ) {}

  /** Appends an event. */
  async append(event: string, actor: string, details: AuditDetails = {}): Promise<void> {
    await this.db.run('INSERT INTO audit_log (event, actor, at, details) VALUES (?, ?, ?, ?)', [
      event,
      actor,
      this.now(),
      JSON.stringify(details),
    ]);
  }

  /** The newest `limit` events, newest first. */
  async recent(limit = 50): Promise<AuditEntry[]> {
    const rows = await this.db.all<{ id: number; event: string; actor: string; at: number; details: string }>(
      'SELECT id, event, actor, at, details FROM audit_log ORDER BY id DESC LIMIT ?',
      [limit],
    );
    return rows.map((r) => ({ ...r, details: JSON.parse(r.details) as AuditDetails }));
  }
}

/** Per-role peripheral transport configuration (e.g. `printer` → `{ kind: 'serial', path, baudRate }`). */
export class DeviceConfigRepository {
  constructor(
    private readonly db: Database,
    private readonly now: () => number,
  ) {}

  /** Reads a role's raw config JSON (the devices service parses it with its schema). */
  async get(role: string): Promise<unknown> {
    const row = await this.db.get<{ config: string }>('SELECT config FROM device_config WHERE role = ?', [
      role,
    ]);
    return row ? (JSON.parse(row.config) as unknown) : undefined;
  }

  /** Every configured role. */
  async all(): Promise<Record<string, unknown>> {
    const rows = await this.db.all<{ role: string; config: string }>(
      'SELECT role, config FROM device_config ORDER BY role',
    );
    return Object.fromEntries(rows.map((r) => [r.role, JSON.parse(r.config) as unknown]));
  }

  /** Sets a role's config. */
  async set(role: string, config: unknown): Promise<void> {
    await this.db.run(
      `INSERT INTO device_config (role, config, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (role) DO UPDATE SET config = excluded.config, updated_at = excluded.updated_at`,
      [role, JSON.stringify(config), this.now()],
    );
  }
}

/** A catalog version's lifecycle state. */
export type CatalogVersionState = 'staged' | 'applied' | 'rejected';

/** One known catalog version. */
export interface CatalogVersionRow {
  readonly version: number;
  readonly state: CatalogVersionState;
  readonly appliedAt: number | null;
  readonly reason: string | null;
  readonly document: unknown;
}

/** Catalog versions the kiosk has staged, applied or rejected. */
export class CatalogVersionRepository {
  constructor(
    private readonly db: Database,
    private readonly now: () => number,
  ) {}

  /** Records (or replaces) a staged version. */
  async stage(version: number, document: unknown): Promise<void> {
    await this.db.run(
      `INSERT INTO catalog_versions (version, state, document) VALUES (?, 'staged', ?)
       ON CONFLICT (version) DO UPDATE SET state = 'staged', document = excluded.document, reason = NULL`,
      [version, JSON.stringify(document)],
    );
  }

  /** Marks a version applied. */
  async markApplied(version: number): Promise<void> {
    await this.db.run("UPDATE catalog_versions SET state = 'applied', applied_at = ? WHERE version = ?", [
      this.now(),
      version,
    ]);
  }

  /** Marks a version rejected with a reason. */
  async markRejected(version: number, reason: string): Promise<void> {
    await this.db.run("UPDATE catalog_versions SET state = 'rejected', reason = ? WHERE version = ?", [
      reason,
      version,
    ]);
  }

  /** The most recently applied version, if any. */
  async current(): Promise<CatalogVersionRow | undefined> {
    const row = await this.db.get<{
      version: number;
      state: CatalogVersionState;
      applied_at: number | null;
      reason: string | null;
      document: string;
    }>(
      "SELECT version, state, applied_at, reason, document FROM catalog_versions WHERE state = 'applied' ORDER BY version DESC LIMIT 1",
    );
    return row
      ? {
          version: row.version,
          state: row.state,
          appliedAt: row.applied_at,
          reason: row.reason,
          document: JSON.parse(row.document) as unknown,
        }
      : undefined;
  }
}
