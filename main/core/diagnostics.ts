/**
 * The diagnostics bundle: one `.tar.gz` a technician carries away on a USB drive — the health snapshot, the
 * attached and configured devices, the configuration with secrets removed, the catalog status, recent audit
 * events and the logs. Nothing personal or secret goes in: log lines and audit details are scrubbed again with
 * the logger's own rules (an old log may predate them), the enrolment's token and any token-like setting are
 * left out, and a last pass over every file replaces the kiosk's known secrets wherever they would appear.
 */
import { mkdtemp, readdir, readFile, rm, stat, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { create as createTar } from 'tar';
import type { HealthSnapshot } from '../api/health-view.js';
import type { AuditEntry } from '../store/repositories.js';
import {
  DEVICE_ENV,
  DEVICE_ROLES,
  DEVICE_STORE_ROLE,
  formatDeviceSpec,
  resolveDeviceConfig,
} from './device-config.js';
import type { DeviceConfigReader } from './device-config.js';
import { logDir, redact, scrubFields } from './log.js';
import { readProvisioning } from './provisioning.js';

/** What the bundle is made from; each part is gathered by the caller (the running core, or `booth`). */
export interface DiagnosticsSources {
  readonly dataDir: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly health: HealthSnapshot;
  /** Attached serial ports and HID devices (with probe guesses, where known). */
  readonly attached: unknown;
  readonly deviceConfig: DeviceConfigReader | null;
  readonly audit: () => Promise<readonly AuditEntry[]>;
  /** Secrets the kiosk holds in memory (a central token passed on start); never written. */
  readonly secrets?: readonly string[];
  readonly now?: () => number;
}

/** What was written. */
export interface DiagnosticsResult {
  readonly file: string;
  readonly bytes: number;
  /** The archive's members. */
  readonly members: readonly string[];
}

/** Environment variables whose names say they hold a secret: listed as set, never with their value. */
const SECRET_ENV = /TOKEN|SECRET|PASSWORD|KEY|PIN/i;

/** The `BOOTH_*` settings of the environment, secret ones as `[removed]`. */
function environment(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env).sort(([a], [b]) => a.localeCompare(b))) {
    if (!name.startsWith('BOOTH_') || value === undefined) continue;
    out[name] = SECRET_ENV.test(name) ? '[removed]' : redact(value);
  }
  return out;
}

/** One log line, scrubbed again: JSON lines field by field, anything else as text. */
function scrubLogLine(line: string): string {
  if (line.trim() === '') return '';
  try {
    const parsed = JSON.parse(line) as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
      return JSON.stringify(scrubFields(parsed as Record<string, unknown>));
  } catch {
    // Not JSON: scrubbed as text below.
  }
  return redact(line);
}

/** The file name of a bundle: kiosk id and UTC time, safe on any file system. */
export function diagnosticsFileName(kioskId: string, at: number): string {
  const stamp = new Date(at)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `booth-diagnostics-${kioskId.replace(/[^A-Za-z0-9._-]/g, '_')}-${stamp}.tar.gz`;
}

/**
 * Writes the bundle to `out` (a file path). The members are built in a private temporary folder that is
 * removed afterwards, whatever happens.
 */
export async function writeDiagnosticsBundle(
  sources: DiagnosticsSources,
  out: string,
): Promise<DiagnosticsResult> {
  const now = sources.now?.() ?? Date.now();
  // No provisioning record (a kiosk not yet provisioned): the bundle says so.
  const provisioning = await readProvisioning(sources.dataDir).catch(() => null);
  const secrets = [
    ...(sources.secrets ?? []),
    ...(provisioning ? [provisioning.token] : []),
    ...Object.entries(sources.env)
      .filter(([name, value]) => SECRET_ENV.test(name) && value !== undefined && value.length >= 4)
      .map(([, value]) => value as string),
  ];
  const files = new Map<string, string>();
  const json = (value: unknown): string => JSON.stringify(value, null, 2) + '\n';

  files.set('health.json', json(sources.health));
  const resolved = await resolveDeviceConfig({ env: sources.env, stored: sources.deviceConfig });
  files.set(
    'devices.json',
    json({
      attached: sources.attached,
      configured: DEVICE_ROLES.map((role) => ({
        role: DEVICE_STORE_ROLE[role],
        spec: resolved[role].error ? null : formatDeviceSpec(resolved[role].spec),
        source: resolved[role].source,
        variable: DEVICE_ENV[role],
        error: resolved[role].error ?? null,
      })),
      states: sources.health.devices,
    }),
  );
  files.set(
    'config.json',
    json({
      provisioning: provisioning
        ? {
            kioskId: provisioning.kioskId,
            kioskGroups: provisioning.kioskGroups,
            centralUrl: provisioning.centralUrl,
            progressBaseUrl: provisioning.progressBaseUrl ?? null,
            token: '[removed]',
          }
        : null,
      environment: environment(sources.env),
    }),
  );
  const catalogDir = path.join(sources.dataDir, 'catalog');
  const catalogFiles = await readdir(catalogDir).catch(() => [] as string[]);
  files.set(
    'catalog.json',
    json({
      ...sources.health.catalog,
      files: await Promise.all(
        catalogFiles.sort().map(async (name) => {
          // A file removed while the bundle is built is listed without size.
          const s = await stat(path.join(catalogDir, name)).catch(() => null);
          return { name, bytes: s?.size ?? null, modified: s ? new Date(s.mtimeMs).toISOString() : null };
        }),
      ),
      // No trusted-keys folder: the bundle lists none.
      trustedKeyFiles: (await readdir(path.join(sources.dataDir, 'trusted-keys')).catch(() => [])).sort(),
    }),
  );
  // The bundle is best effort: an unreadable audit log shows as empty, the rest is still collected.
  const audit = await sources.audit().catch(() => []);
  files.set(
    'audit.json',
    json(
      audit.map((a) => ({
        at: new Date(a.at).toISOString(),
        event: redact(a.event),
        actor: redact(a.actor),
        details: scrubFields(a.details),
      })),
    ),
  );
  const logs = (await readdir(logDir(sources.dataDir)).catch(() => [] as string[])).filter((n) =>
    /^booth\.log(\.\d+)?$/.test(n),
  );
  for (const name of logs.sort()) {
    // No log folder yet: no logs to include.
    const text = await readFile(path.join(logDir(sources.dataDir), name), 'utf8').catch(() => '');
    files.set(
      `logs/${name}`,
      text
        .split('\n')
        .map(scrubLogLine)
        .filter((l) => l !== '')
        .join('\n') + '\n',
    );
  }
  files.set(
    'manifest.json',
    json({
      kind: 'smart-police-booth diagnostics',
      createdAt: new Date(now).toISOString(),
      kioskId: sources.health.kioskId,
      version: sources.health.version,
      mode: sources.health.mode,
      members: [...files.keys(), 'manifest.json'],
      note: 'no personal data: log lines and audit details scrubbed; tokens and secret settings removed',
    }),
  );

  const staging = await mkdtemp(path.join(tmpdir(), 'booth-diagnostics-'));
  try {
    for (const [name, text] of files) {
      let clean = text;
      // The last pass: the kiosk's own secrets, wherever they would have slipped in.
      for (const secret of secrets) clean = clean.split(secret).join('[removed]');
      const target = path.join(staging, name);
      await mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
      await writeFile(target, clean, { mode: 0o600 });
    }
    const members = [...files.keys()];
    await mkdir(path.dirname(out), { recursive: true });
    await createTar({ gzip: true, file: out, cwd: staging, portable: true, mtime: new Date(now) }, members);
    return { file: out, bytes: (await stat(out)).size, members };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
