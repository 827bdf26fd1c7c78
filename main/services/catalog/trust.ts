import path from 'node:path';
import type { TrustedKeySources } from '../../../contract/catalog/signing.js';

/** Where `booth provision` puts the trusted catalog keys of an enrolled kiosk: `<dataDir>/trusted-keys/`. */
export function provisionedKeysDir(dataDir: string): string {
  return path.join(dataDir, 'trusted-keys');
}

/** The demonstration signing key's folder (its private half is public: only demonstration kiosks trust it). */
export function demoKeysDir(resourcesDir: string): string {
  return path.join(resourcesDir, 'demo', 'keys');
}

/**
 * The catalog keys a kiosk trusts: production keys shipped with the build (`resources/keys/*.pub`), the keys
 * enrolled with `booth provision`, `BOOTH_CATALOG_TRUSTED_KEYS` — and the demonstration key only on a
 * demonstration kiosk. Every file must be safely owned (see `keyFileUnsafeReason`).
 */
export function kioskTrustedKeySources(options: {
  readonly mode: 'demonstration' | 'production';
  readonly resourcesDir: string;
  /** The kiosk's data directory (absent for tools that verify a file away from any kiosk). */
  readonly dataDir?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
}): TrustedKeySources {
  const extraDirs: string[] = [];
  if (options.dataDir) extraDirs.push(provisionedKeysDir(options.dataDir));
  if (options.mode === 'demonstration') extraDirs.push(demoKeysDir(options.resourcesDir));
  return {
    shippedDir: path.join(options.resourcesDir, 'keys'),
    extraDirs,
    ...(options.env ? { env: options.env } : {}),
  };
}
