import { heartbeatRequestSchema, type FleetKiosk, type StatsResponse } from '../../contract/central-api.js';
import type { CentralDb } from '../db.js';
import { iso, parseStored } from './route.js';

/** A stored transaction's columns as the server reads them (central/console-letters.ts reads them too). */
export interface TransactionRow {
  idempotency_key: string;
  number: string;
  kiosk_id: string;
  received_at: number;
  tracking_number: string | null;
  progress_override: string | null;
  progress_override_at: number | null;
  progress_override_by?: string | null;
  mailbox_override: string | null;
  mailbox_override_at: number | null;
  payload_hash: string | null;
  progress_key_hash: string | null;
}

/** A kiosk's columns as the fleet reads them. */
export interface KioskRow {
  kiosk_id: string;
  last_heartbeat_at: number | null;
  heartbeat: string | null;
}

/** What {@link createCentralRecords} needs. */
export interface CentralRecordsDeps {
  readonly db: CentralDb;
  readonly now: () => number;
  /** kioskId → bearer token: every configured kiosk is in the fleet, called in or not. */
  readonly kioskTokens: Readonly<Record<string, string>>;
}

/** The store's queries the routes and the console share: counters, kiosks, the fleet, transactions by reference. */
export interface CentralRecords {
  bump(name: string, by: number): Promise<unknown>;
  counter(name: string): Promise<number>;
  seeKiosk(kioskId: string): Promise<unknown>;
  stats(): Promise<StatsResponse>;
  fleet(): Promise<FleetKiosk[]>;
  groupsOf(kioskId: string): Promise<string[]>;
  findByNumber(number: string): Promise<TransactionRow | undefined>;
  findByTracking(tracking: string): Promise<TransactionRow | undefined>;
}

/** The central store's shared queries over `db`. */
export function createCentralRecords(deps: CentralRecordsDeps): CentralRecords {
  const { db, now, kioskTokens } = deps;
  const bump = (name: string, by: number): Promise<unknown> =>
    db.run(
      'INSERT INTO counters (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = counters.value + ?',
      [name, by, by],
    );
  const counter = async (name: string): Promise<number> =>
    (await db.get<{ value: number }>('SELECT value FROM counters WHERE name = ?', [name]))?.value ?? 0;
  const seeKiosk = (kioskId: string): Promise<unknown> =>
    db.run('INSERT INTO kiosks (kiosk_id, first_seen_at) VALUES (?, ?) ON CONFLICT (kiosk_id) DO NOTHING', [
      kioskId,
      now(),
    ]);

  const stats = async (): Promise<StatsResponse> => {
    const row = await db.get<{ total: number; urgent: number | null }>(
      'SELECT COUNT(*) AS total, SUM(urgent) AS urgent FROM transactions',
    );
    const kiosks = await db.get<{ total: number }>('SELECT COUNT(*) AS total FROM kiosks');
    return {
      transactions: row?.total ?? 0,
      duplicatesIgnored: await counter('duplicates_ignored'),
      conflicts: await counter('conflicts'),
      urgent: row?.urgent ?? 0,
      batches: await counter('batches'),
      kiosks: kiosks?.total ?? 0,
    };
  };

  /** Every configured kiosk and every kiosk that has called in (the admin API's and the console's fleet). */
  const fleet = async (): Promise<FleetKiosk[]> => {
    const rows = await db.all<KioskRow>('SELECT kiosk_id, last_heartbeat_at, heartbeat FROM kiosks');
    const counts = await db.all<{ kiosk_id: string; total: number }>(
      'SELECT kiosk_id, COUNT(*) AS total FROM transactions GROUP BY kiosk_id',
    );
    const countOf = new Map(counts.map((row) => [row.kiosk_id, row.total]));
    const byId = new Map(rows.map((row) => [row.kiosk_id, row]));
    const ids = [...new Set([...Object.keys(kioskTokens), ...byId.keys()])].sort();
    return ids.map((kioskId): FleetKiosk => {
      const row = byId.get(kioskId);
      // Stored heartbeats were validated on the way in; re-parse anyway so a hand-edited row shows as empty.
      const last = row?.heartbeat ? heartbeatRequestSchema.safeParse(parseStored(row.heartbeat)) : undefined;
      const hb = last?.success ? last.data : undefined;
      return {
        kioskId,
        lastHeartbeatAt: row?.last_heartbeat_at != null ? iso(row.last_heartbeat_at) : null,
        appVersion: hb?.appVersion ?? null,
        catalogVersion: hb?.catalogVersion ?? null,
        devices: hb?.devices ?? null,
        outbox: hb?.outbox ?? null,
        lastCatalogRejection: hb?.lastCatalogRejection ?? null,
        kioskGroups: hb?.kioskGroups ?? null,
        health: hb?.health ?? null,
        transactions: countOf.get(kioskId) ?? 0,
      };
    });
  };

  /** The groups a kiosk's last heartbeat named (catalogs are served by group; central/catalog-publishing.ts). */
  const groupsOf = async (kioskId: string): Promise<string[]> => {
    const row = await db.get<{ kiosk_groups: string | null }>(
      'SELECT kiosk_groups FROM kiosks WHERE kiosk_id = ?',
      [kioskId],
    );
    const parsed = heartbeatRequestSchema.shape.kioskGroups.safeParse(
      row?.kiosk_groups ? parseStored(row.kiosk_groups) : undefined,
    );
    return parsed.success ? (parsed.data ?? []) : [];
  };

  const findByNumber = (number: string): Promise<TransactionRow | undefined> =>
    db.get<TransactionRow>('SELECT * FROM transactions WHERE number = ? ORDER BY received_at DESC LIMIT 1', [
      number,
    ]);
  const findByTracking = (tracking: string): Promise<TransactionRow | undefined> =>
    db.get<TransactionRow>(
      'SELECT * FROM transactions WHERE tracking_number = ? ORDER BY received_at DESC LIMIT 1',
      [tracking],
    );

  return { bump, counter, seeKiosk, stats, fleet, groupsOf, findByNumber, findByTracking };
}
