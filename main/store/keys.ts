import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { DATA_KEY_BYTES } from './crypto.js';
import { StoreError } from './errors.js';

/** How {@link KeyProvider.getDataKey} may behave when there is no key yet. */
export interface GetDataKeyOptions {
  /**
   * `false`: never create a key; a missing key file is a `key-missing` StoreError (the store asks for this when
   * sealed rows exist, or when it was opened read-only). Default `true`: create one on first use.
   */
  readonly create?: boolean;
}

/** Where the store gets its data key. The Electron host implements it with safeStorage. */
export interface KeyProvider {
  /** Resolves to the 32-byte data key, creating it on first use unless told not to. */
  getDataKey(options?: GetDataKeyOptions): Promise<Uint8Array>;
  /** The key file, when the key lives in one (named in recovery messages). */
  readonly file?: string;
}

/** An OS key store (Electron's safeStorage) passed in as callbacks so this code never imports electron. */
export interface KeySealer {
  /** Encrypts the data key with the OS key store. */
  seal(plain: Buffer): Buffer | Promise<Buffer>;
  /** Decrypts what `seal` produced. */
  unseal(sealed: Buffer): Buffer | Promise<Buffer>;
  /** Whether the OS key store can be used now (safeStorage.isEncryptionAvailable()). */
  isAvailable(): boolean | Promise<boolean>;
}

function codeOf(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error
    ? String((error as { code: unknown }).code)
    : undefined;
}

async function ensurePrivateDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    if (process.platform !== 'win32') await chmod(dir, 0o700);
  } catch (error) {
    throw new StoreError(
      'key-unavailable',
      `cannot create the key directory ${dir}: ${codeOf(error) ?? String(error)}`,
      {
        cause: error,
      },
    );
  }
}

/** Writes a new file exclusively with mode 0600 and fsyncs it; returns false if it already exists. */
async function writeNewPrivateFile(file: string, content: Buffer): Promise<boolean> {
  let handle;
  try {
    handle = await open(file, 'wx', 0o600);
  } catch (error) {
    if (codeOf(error) === 'EEXIST') return false;
    throw new StoreError(
      'key-unavailable',
      `cannot create the key file ${file}: ${codeOf(error) ?? String(error)}`,
      {
        cause: error,
      },
    );
  }
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
  return true;
}

async function readPrivateFile(file: string): Promise<Buffer> {
  let info;
  try {
    info = await stat(file);
  } catch (error) {
    if (codeOf(error) === 'ENOENT')
      throw new StoreError('key-missing', `the key file ${file} does not exist`, { cause: error });
    throw new StoreError(
      'key-unavailable',
      `cannot read the key file ${file}: ${codeOf(error) ?? String(error)}`,
      {
        cause: error,
      },
    );
  }
  // Windows has no POSIX modes; there the file lives in the user's profile, protected by ACLs.
  if (process.platform !== 'win32' && (info.mode & 0o077) !== 0) {
    const mode = (info.mode & 0o777).toString(8).padStart(4, '0');
    throw new StoreError(
      'key-insecure',
      `the key file ${file} is accessible by other users (mode ${mode}); run: chmod 600 '${file}'`,
    );
  }
  return readFile(file);
}

/**
 * The browser host's key provider: a random 32-byte key in `<dataDir>/keys/data.key`, file mode 0600 in a
 * 0700 directory. A key file others can read is refused, since anyone who can read it can read the data.
 */
export class FileKeyProvider implements KeyProvider {
  private cached: Uint8Array | undefined;

  constructor(
    /** The key file path. */
    readonly file: string,
  ) {}

  /** The conventional key file for a data directory. */
  static forDataDir(dataDir: string): FileKeyProvider {
    return new FileKeyProvider(path.join(dataDir, 'keys', 'data.key'));
  }

  async getDataKey(options: GetDataKeyOptions = {}): Promise<Uint8Array> {
    if (this.cached) return this.cached;
    if (options.create !== false) {
      await ensurePrivateDir(path.dirname(this.file));
      await writeNewPrivateFile(this.file, randomBytes(DATA_KEY_BYTES));
    }
    const key = await readPrivateFile(this.file);
    if (key.length !== DATA_KEY_BYTES) {
      throw new StoreError(
        'key-insecure',
        `the key file ${this.file} holds ${key.length} bytes, expected ${DATA_KEY_BYTES}`,
      );
    }
    this.cached = new Uint8Array(key);
    return this.cached;
  }
}

/**
 * A key provider whose key file holds the data key sealed by an OS key store (Electron's safeStorage). The
 * file is still created 0600; the seal adds protection against copying the disk to another machine.
 */
export class SealedKeyProvider implements KeyProvider {
  private cached: Uint8Array | undefined;

  constructor(
    private readonly sealer: KeySealer,
    /** The sealed key file path. */
    readonly file: string,
  ) {}

  async getDataKey(options: GetDataKeyOptions = {}): Promise<Uint8Array> {
    if (this.cached) return this.cached;
    if (!(await this.sealer.isAvailable())) {
      throw new StoreError('key-unavailable', 'the OS key store is not available (is a keyring running?)');
    }
    if (options.create !== false) {
      await ensurePrivateDir(path.dirname(this.file));
      await writeNewPrivateFile(this.file, await this.sealer.seal(randomBytes(DATA_KEY_BYTES)));
    }
    const sealed = await readPrivateFile(this.file);
    let key: Buffer;
    try {
      key = await this.sealer.unseal(sealed);
    } catch (error) {
      throw new StoreError('key-unavailable', `the OS key store could not unseal ${this.file}`, {
        cause: error,
      });
    }
    if (key.length !== DATA_KEY_BYTES) {
      throw new StoreError(
        'key-insecure',
        `the sealed key in ${this.file} is ${key.length} bytes, expected ${DATA_KEY_BYTES}`,
      );
    }
    this.cached = new Uint8Array(key);
    return this.cached;
  }
}
