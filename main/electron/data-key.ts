import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import path from 'node:path';

/**
 * The data key encrypts the kiosk's local store. It lives on disk only sealed by the OS keystore
 * (Electron's safeStorage: DPAPI on Windows, libsecret/kwallet on Linux), is unsealed in the main process,
 * and reaches the core only inside the init message — never argv, env, or a plaintext file.
 */

/** File name of the sealed key inside userData. */
export const SEALED_KEY_FILE = 'data.key.sealed';
/** Length of the data key in bytes. */
export const DATA_KEY_BYTES = 32;

/** The subset of Electron's safeStorage this module uses (async API; the sync one is deprecated). */
export interface KeySealer {
  isAsyncEncryptionAvailable(): Promise<boolean>;
  encryptStringAsync(plainText: string): Promise<Buffer>;
  decryptStringAsync(encrypted: Buffer): Promise<{ shouldReEncrypt: boolean; result: string }>;
  /** Linux only; absent elsewhere. */
  getSelectedStorageBackend?: () => string;
}

/** Why the key could not be had; the message is for the log and names no secret. */
export class DataKeyError extends Error {
  /** Creates the error with a stable code. */
  constructor(
    readonly code: 'keystore-unavailable' | 'keystore-weak' | 'sealed-key-unreadable' | 'sealed-key-corrupt',
    message: string,
  ) {
    super(message);
    this.name = 'DataKeyError';
  }
}

/** Options of loadOrCreateDataKey. */
export interface DataKeyOptions {
  /** Directory holding the sealed key (app.getPath('userData')). */
  readonly directory: string;
  readonly sealer: KeySealer;
  /**
   * Accept Linux's `basic_text` backend (a hard-coded obfuscation password, i.e. plaintext in effect).
   * Only for deployers who knowingly run without a keyring (BOOTH_ALLOW_WEAK_KEYSTORE=1).
   */
  readonly allowWeakKeystore?: boolean;
}

/** The key, and whether it was created on this start. */
export interface DataKey {
  readonly key: Uint8Array;
  readonly created: boolean;
}

/**
 * Unseals the data key from `directory`, or creates and seals a new one on first start.
 * Throws DataKeyError when the OS keystore is missing or weak (never falls back to plaintext), or when an
 * existing sealed key cannot be read — then it does NOT create a new key, since that would orphan the store.
 */
export async function loadOrCreateDataKey(options: DataKeyOptions): Promise<DataKey> {
  const { sealer, directory } = options;
  if (!(await sealer.isAsyncEncryptionAvailable())) {
    throw new DataKeyError(
      'keystore-unavailable',
      'The OS keystore (safeStorage) is unavailable: cannot protect the data key. On Linux install and unlock ' +
        'a Secret Service keyring (gnome-keyring) or KWallet for the kiosk user.',
    );
  }
  const backend = sealer.getSelectedStorageBackend?.();
  if (backend === 'basic_text' && options.allowWeakKeystore !== true) {
    throw new DataKeyError(
      'keystore-weak',
      'safeStorage uses the basic_text backend (no keyring), which would store the data key in effect in ' +
        'plaintext. Install a keyring, or set BOOTH_ALLOW_WEAK_KEYSTORE=1 to accept this knowingly.',
    );
  }
  const file = path.join(directory, SEALED_KEY_FILE);
  let sealed: Buffer | undefined;
  try {
    sealed = await fsp.readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new DataKeyError(
        'sealed-key-unreadable',
        `Cannot read ${SEALED_KEY_FILE}: ${(error as Error).message}`,
      );
    }
  }
  if (sealed !== undefined) {
    let unsealed: { shouldReEncrypt: boolean; result: string };
    try {
      unsealed = await sealer.decryptStringAsync(sealed);
    } catch {
      throw new DataKeyError(
        'sealed-key-corrupt',
        `${SEALED_KEY_FILE} cannot be unsealed by this OS account.`,
      );
    }
    const key = Buffer.from(unsealed.result, 'base64');
    if (key.length !== DATA_KEY_BYTES) {
      throw new DataKeyError(
        'sealed-key-corrupt',
        `${SEALED_KEY_FILE} does not hold a ${DATA_KEY_BYTES}-byte key.`,
      );
    }
    if (unsealed.shouldReEncrypt) await writeSealed(file, await sealer.encryptStringAsync(unsealed.result));
    return { key: new Uint8Array(key), created: false };
  }
  const key = randomBytes(DATA_KEY_BYTES);
  await fsp.mkdir(directory, { recursive: true });
  await writeSealed(file, await sealer.encryptStringAsync(key.toString('base64')));
  return { key: new Uint8Array(key), created: true };
}

/** Writes atomically (temp file + rename) with owner-only permissions. */
async function writeSealed(file: string, sealed: Buffer): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`;
  await fsp.writeFile(temp, sealed, { mode: 0o600 });
  await fsp.rename(temp, file);
}
