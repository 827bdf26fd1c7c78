import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DATA_KEY_BYTES,
  DataKeyError,
  SEALED_KEY_FILE,
  loadOrCreateDataKey,
  type KeySealer,
} from './data-key.js';

/** A sealer whose ciphertext never contains the plaintext (XOR with a fixed pad, then a marker). */
function fakeSealer(overrides: Partial<KeySealer> = {}): KeySealer & { sealedTexts: string[] } {
  const pad = 0x5a;
  const sealedTexts: string[] = [];
  return {
    sealedTexts,
    isAsyncEncryptionAvailable: async () => true,
    encryptStringAsync: async (plain) => {
      sealedTexts.push(plain);
      return Buffer.concat([Buffer.from('SEAL'), Buffer.from(plain).map((b) => b ^ pad)]);
    },
    decryptStringAsync: async (sealed) => {
      if (sealed.subarray(0, 4).toString() !== 'SEAL') throw new Error('bad');
      return {
        shouldReEncrypt: false,
        result: Buffer.from(sealed.subarray(4).map((b) => b ^ pad)).toString(),
      };
    },
    getSelectedStorageBackend: () => 'gnome_libsecret',
    ...overrides,
  };
}

describe('data key', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'data-key-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates a 32-byte key on first start, seals it, and never writes it in plaintext', async () => {
    const sealer = fakeSealer();
    const first = await loadOrCreateDataKey({ directory: dir, sealer });
    expect(first.created).toBe(true);
    expect(first.key).toHaveLength(DATA_KEY_BYTES);
    expect(sealer.sealedTexts).toHaveLength(1);
    expect(readdirSync(dir)).toEqual([SEALED_KEY_FILE]);
    const onDisk = readFileSync(path.join(dir, SEALED_KEY_FILE));
    const keyBuffer = Buffer.from(first.key);
    expect(onDisk.includes(keyBuffer)).toBe(false);
    expect(onDisk.toString().includes(keyBuffer.toString('base64'))).toBe(false);
    expect(onDisk.toString().includes(keyBuffer.toString('hex'))).toBe(false);
    if (process.platform !== 'win32') expect(statSync(path.join(dir, SEALED_KEY_FILE)).mode & 0o077).toBe(0);
  });

  it('unseals the same key on later starts', async () => {
    const sealer = fakeSealer();
    const first = await loadOrCreateDataKey({ directory: dir, sealer });
    const second = await loadOrCreateDataKey({ directory: dir, sealer });
    expect(second.created).toBe(false);
    expect(Buffer.from(second.key).equals(Buffer.from(first.key))).toBe(true);
    expect(sealer.sealedTexts).toHaveLength(1);
  });

  it('refuses to run without the OS keystore and writes nothing', async () => {
    const sealer = fakeSealer({ isAsyncEncryptionAvailable: async () => false });
    await expect(loadOrCreateDataKey({ directory: dir, sealer })).rejects.toMatchObject({
      name: 'DataKeyError',
      code: 'keystore-unavailable',
    });
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses the basic_text backend unless explicitly allowed', async () => {
    const sealer = fakeSealer({ getSelectedStorageBackend: () => 'basic_text' });
    await expect(loadOrCreateDataKey({ directory: dir, sealer })).rejects.toBeInstanceOf(DataKeyError);
    expect(readdirSync(dir)).toEqual([]);
    const allowed = await loadOrCreateDataKey({ directory: dir, sealer, allowWeakKeystore: true });
    expect(allowed.created).toBe(true);
  });

  it('does not replace a sealed key it cannot unseal (that would orphan the store)', async () => {
    writeFileSync(path.join(dir, SEALED_KEY_FILE), 'garbage');
    await expect(loadOrCreateDataKey({ directory: dir, sealer: fakeSealer() })).rejects.toMatchObject({
      code: 'sealed-key-corrupt',
    });
    expect(readFileSync(path.join(dir, SEALED_KEY_FILE), 'utf8')).toBe('garbage');
  });

  it('rejects a sealed value that is not a 32-byte key', async () => {
    const sealer = fakeSealer();
    writeFileSync(
      path.join(dir, SEALED_KEY_FILE),
      await sealer.encryptStringAsync(Buffer.alloc(8).toString('base64')),
    );
    await expect(loadOrCreateDataKey({ directory: dir, sealer })).rejects.toMatchObject({
      code: 'sealed-key-corrupt',
    });
  });

  it('re-seals when the keystore asks for it', async () => {
    const sealer = fakeSealer();
    const first = await loadOrCreateDataKey({ directory: dir, sealer });
    const decrypt = sealer.decryptStringAsync;
    sealer.decryptStringAsync = async (sealed) => ({ ...(await decrypt(sealed)), shouldReEncrypt: true });
    const second = await loadOrCreateDataKey({ directory: dir, sealer });
    expect(Buffer.from(second.key).equals(Buffer.from(first.key))).toBe(true);
    expect(sealer.sealedTexts).toHaveLength(2);
    expect(readdirSync(dir)).toEqual([SEALED_KEY_FILE]);
  });
});
