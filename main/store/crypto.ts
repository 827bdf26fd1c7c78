import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { StoreError } from './errors.js';

/** Envelope format version 1: `0x01 | iv (12) | tag (16) | ciphertext`, AES-256-GCM. */
const ENVELOPE_V1 = 0x01;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** The AES-256 key length in bytes. */
export const DATA_KEY_BYTES = 32;

/**
 * Seals and opens personal data with AES-256-GCM. The associated data binds each blob to its record (the
 * transaction id), so a blob copied onto another row fails to open instead of showing the wrong person.
 */
export class Sealer {
  private readonly key: Buffer;

  constructor(key: Uint8Array) {
    if (key.length !== DATA_KEY_BYTES) {
      throw new StoreError('key-insecure', `the data key must be ${DATA_KEY_BYTES} bytes, got ${key.length}`);
    }
    this.key = Buffer.from(key);
  }

  /** Encrypts `plaintext` for the record `aad` with a fresh random IV. */
  seal(plaintext: Uint8Array, aad: string): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(aad, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return Buffer.concat([Buffer.from([ENVELOPE_V1]), iv, cipher.getAuthTag(), body]);
  }

  /** Decrypts an envelope sealed for `aad`; throws `decrypt-failed` on any mismatch. */
  open(envelope: Uint8Array, aad: string): Buffer {
    const buf = Buffer.from(envelope);
    if (buf.length < 1 + IV_BYTES + TAG_BYTES)
      throw new StoreError('decrypt-failed', 'sealed record is truncated');
    if (buf[0] !== ENVELOPE_V1) {
      throw new StoreError('decrypt-failed', `unknown sealed record format ${String(buf[0])}`);
    }
    const iv = buf.subarray(1, 1 + IV_BYTES);
    const tag = buf.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
    const body = buf.subarray(1 + IV_BYTES + TAG_BYTES);
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(aad, 'utf8'));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(body), decipher.final()]);
    } catch (error) {
      throw new StoreError('decrypt-failed', 'sealed record failed authentication (wrong key or record)', {
        cause: error,
      });
    }
  }

  /** Seals a JSON value. */
  sealJson(value: unknown, aad: string): Buffer {
    return this.seal(Buffer.from(JSON.stringify(value), 'utf8'), aad);
  }

  /** Opens a JSON value (the caller parses it with its schema). */
  openJson(envelope: Uint8Array, aad: string): unknown {
    return JSON.parse(this.open(envelope, aad).toString('utf8')) as unknown;
  }
}
