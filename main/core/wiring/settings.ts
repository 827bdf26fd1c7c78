import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { CentralClient } from '../../services/central/client.js';
import { createCentralClient } from '../../services/central/client.js';
import { DEV_KIOSK_ID, kioskGroupsFromEnv } from '../kiosk-identity.js';
import type { KioskInfo } from '../../services/views.js';
import type { Logger } from '../log.js';
import type { KioskMode } from '../mode.js';
import { readProvisioning, type Provisioning } from '../provisioning.js';
import { appRootDir } from '../paths.js';
import { isLoopbackUrl, publicBaseUrlFromEnv } from '../public-url.js';

/**
 * Who the kiosk is and which central system it talks to: the host's options first, then the kiosk's enrolment
 * (`booth provision`), then the environment, then (demonstration only) the development defaults.
 */

/** The options {@link kioskIdentity} and {@link centralSettings} read (a subset of KioskCoreOptions). */
export interface KioskSettingsOptions {
  readonly dataDir: string;
  readonly kioskId?: string;
  readonly kioskGroups?: readonly string[];
  readonly centralUrl?: string;
  readonly centralToken?: string;
  readonly progressBaseUrl?: string;
}

/** The development kiosk token of the local reference central server (demonstration kiosks only). */
export const DEV_KIOSK_TOKEN = 'dev-kiosk-token';

/** The kiosk's enrolment, id and groups. Throws when a provisioned data directory is started as a demonstration. */
export async function kioskIdentity(
  options: KioskSettingsOptions,
  mode: KioskMode,
  env: NodeJS.ProcessEnv,
): Promise<{
  readonly provisioning: Provisioning | null;
  readonly kioskId: string;
  readonly kioskGroups: readonly string[];
}> {
  // A damaged enrolment stops the start with its reason: guessing the central system or the token is worse.
  const provisioning = await readProvisioning(options.dataDir);
  if (provisioning && mode === 'demonstration') {
    throw new Error(
      'this data directory is provisioned for a real kiosk (booth provision); it cannot run as a demonstration',
    );
  }
  const kioskId = options.kioskId ?? provisioning?.kioskId ?? env.BOOTH_KIOSK_ID ?? DEV_KIOSK_ID;
  const kioskGroups = options.kioskGroups ?? provisioning?.kioskGroups ?? kioskGroupsFromEnv(env);
  return { provisioning, kioskId, kioskGroups };
}

/** Where the kiosk's central system and its progress links are, and its client (null: none configured). */
export interface CentralSettings {
  readonly centralUrl: string | undefined;
  readonly progressBaseUrl: string;
  readonly progressLinksLocal: boolean;
  /** Bases whose `/progress/<number>` links are this kiosk's receipts (scanned back at the kiosk). */
  readonly progressBases: string[];
  readonly centralToken: string | undefined;
  readonly client: CentralClient | null;
}

/** Resolves the central URL, token and progress link base; logs what is missing. */
export function centralSettings(deps: {
  readonly options: KioskSettingsOptions;
  readonly provisioning: Provisioning | null;
  readonly mode: KioskMode;
  readonly env: NodeJS.ProcessEnv;
  readonly log: Logger;
  readonly kioskId: string;
}): CentralSettings {
  const { options, provisioning, mode, env, log, kioskId } = deps;
  const centralUrl = options.centralUrl ?? provisioning?.centralUrl;
  // Phones open the receipt's QR link: a configured public base first, then what the enrolment says.
  const progressBaseUrl =
    options.progressBaseUrl ??
    publicBaseUrlFromEnv(env, log) ??
    provisioning?.progressBaseUrl ??
    centralUrl ??
    'http://127.0.0.1';
  const progressLinksLocal = isLoopbackUrl(progressBaseUrl);
  if (progressLinksLocal && mode === 'production') {
    log.warn('config.progress-links-local', { hint: 'set BOOTH_PUBLIC_URL to an address phones reach' });
  }
  const progressBases = [progressBaseUrl, ...(centralUrl ? [centralUrl] : [])];

  const centralToken =
    options.centralToken ??
    provisioning?.token ??
    env.BOOTH_CENTRAL_TOKEN ??
    (mode === 'demonstration' ? DEV_KIOSK_TOKEN : undefined);
  if (centralUrl && !centralToken) {
    log.error('central.no-token', {
      hint: 'enrol the kiosk with booth provision, or set BOOTH_CENTRAL_TOKEN',
    });
  }
  const client =
    centralUrl && centralToken
      ? createCentralClient({ baseUrl: centralUrl, token: centralToken, kioskId })
      : null;
  return { centralUrl, progressBaseUrl, progressLinksLocal, progressBases, centralToken, client };
}

/** What the kiosk says of itself (KioskInfo without the live service state). */
export function kioskStaticInfo(deps: {
  readonly options: {
    readonly appVersion?: string;
    readonly host: 'electron' | 'browser';
    readonly mode: KioskMode;
  };
  readonly kioskId: string;
  readonly simulated: boolean;
}): Omit<KioskInfo, 'service' | 'progressLinksLocal'> {
  const { options, kioskId } = deps;
  const { mode } = options;
  return {
    version: options.appVersion ?? readVersion(),
    kioskId,
    kioskName:
      mode === 'demonstration'
        ? { 'zh-CN': '自助警务舱（演示）', 'zh-HK': '自助警務艙（示範）', en: 'Smart Police Booth (demo)' }
        : { 'zh-CN': '自助警务舱', 'zh-HK': '自助警務艙', en: 'Smart Police Booth' },
    host: options.host,
    mode,
    simulated: deps.simulated,
  } as const;
}

/** The app version from package.json ('0.0.0' when it cannot be read). */
export function readVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(path.join(appRootDir(), 'package.json'), 'utf8')) as {
      version?: unknown;
    };
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    // Version shown in health and heartbeats only; a missing package.json reads as 0.0.0.
    return '0.0.0';
  }
}
