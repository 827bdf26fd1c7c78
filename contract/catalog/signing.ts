import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
} from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { readdirSync, readFileSync, statSync, type Stats } from 'node:fs';
import path from 'node:path';
import canonicalize from 'canonicalize';
import { z } from 'zod';
import type { Catalog, CatalogValidationError } from './schema.js';
import { validateCatalog } from './schema.js';
import { err, ok, type Err, type Result } from '../result.js';

/**
 * Catalog signatures: Ed25519 (node:crypto) over the RFC 8785 canonical JSON of the `catalog` object,
 * detached next to it: `{ catalog, signature: { alg: 'Ed25519', keyId, value } }`.
 *
 * Key files: the public key is an SPKI PEM (`-----BEGIN PUBLIC KEY-----`, what `openssl pkey -pubout` writes);
 * a bare base64 line holding the 32 raw key bytes is accepted too. Private keys are PKCS#8 PEM. The key id is
 * the first 16 hex digits of SHA-256 over the 32 raw public key bytes, so it does not depend on the file format.
 */

/** The only signature algorithm a catalog may use. */
export const CATALOG_SIGNATURE_ALG = 'Ed25519';

/** The signature block of a signed catalog. */
export interface CatalogSignature {
  readonly alg: typeof CATALOG_SIGNATURE_ALG;
  readonly keyId: string;
  /** Base64 of the 64-byte Ed25519 signature. */
  readonly value: string;
}

/** A signed catalog document as stored, served and verified. */
export interface SignedCatalog {
  readonly catalog: unknown;
  readonly signature: CatalogSignature;
}

/** A public key the kiosk trusts for catalogs. */
export interface TrustedKey {
  readonly keyId: string;
  readonly publicKey: KeyObject;
  /** Where it came from (a file path or "inline"), for technicians. */
  readonly source: string;
}

/** Why a catalog was refused. */
export type CatalogRejectionReason =
  | 'unsigned'
  | 'bad-signature'
  | 'unknown-key'
  | 'expired'
  | 'not-yet-valid'
  | 'schema'
  | 'rollback'
  | 'audience'
  | 'malformed';

/** Every {@link CatalogRejectionReason}, for schemas that read stored rejections back. */
export const catalogRejectionReasons = [
  'unsigned',
  'bad-signature',
  'unknown-key',
  'expired',
  'not-yet-valid',
  'schema',
  'rollback',
  'audience',
  'malformed',
] as const satisfies readonly CatalogRejectionReason[];

/** A catalog {@link verifySignedCatalog} accepted: the validated catalog, the key that signed it, the envelope. */
export interface VerifiedCatalog {
  readonly catalog: Catalog;
  readonly keyId: string;
  readonly signed: SignedCatalog;
}

/** Why {@link verifySignedCatalog} refused a catalog. */
export interface CatalogVerificationError {
  readonly code: CatalogRejectionReason;
  /** One line for technicians; never personal data (catalogs hold none). */
  readonly message: string;
  /** The catalog's version when it could be read. */
  readonly version?: number;
  /** Schema problems, for `code: 'schema'`. */
  readonly errors?: readonly CatalogValidationError[];
}

/** The outcome of {@link verifySignedCatalog}. */
export type CatalogVerification = Result<VerifiedCatalog, CatalogVerificationError>;

/** Options of {@link verifySignedCatalog}. */
export interface VerifyOptions {
  readonly trustedKeys: readonly TrustedKey[];
  /** The kiosk's clock, in epoch milliseconds. */
  readonly now: number;
  /** The version already applied; a catalog must be newer. Absent = nothing applied. */
  readonly appliedVersion?: number | null;
  /** Tolerated kiosk clock error for issuedAt/expiresAt. Default 5 minutes. */
  readonly clockSkewMs?: number;
  /** Skip the issuedAt/expiresAt check (re-loading the applied catalog at start-up). */
  readonly skipTimeCheck?: boolean;
  /**
   * This kiosk, for the catalog's signed `audience`: a catalog addressed to other kiosks is refused. Absent =
   * no audience check (tools that verify a file away from any kiosk).
   */
  readonly kiosk?: KioskIdentity;
}

/** Who a kiosk is, for a catalog's audience. */
export interface KioskIdentity {
  readonly kioskId: string;
  readonly kioskGroups: readonly string[];
}

const DEFAULT_CLOCK_SKEW_MS = 5 * 60_000;

const signatureSchema = z.strictObject({
  alg: z.literal(CATALOG_SIGNATURE_ALG),
  keyId: z.string().min(1).max(128),
  value: z
    .string()
    .max(200)
    .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'must be base64'),
});

const envelopeSchema = z.strictObject({
  catalog: z.record(z.string(), z.unknown()),
  signature: signatureSchema,
});

/** The RFC 8785 (JCS) canonical form of a JSON value, as UTF-8 bytes. Throws on non-JSON values. */
export function canonicalJsonBytes(value: unknown): Buffer {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('value has no JSON representation');
  return Buffer.from(text, 'utf8');
}

/** The key id of an Ed25519 public key: 16 hex digits of SHA-256 over its 32 raw bytes. */
export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256').update(rawPublicKey(publicKey)).digest('hex').slice(0, 16);
}

function rawPublicKey(publicKey: KeyObject): Buffer {
  const jwk = publicKey.export({ format: 'jwk' });
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') {
    throw new TypeError('not an Ed25519 public key');
  }
  return Buffer.from(jwk.x, 'base64url');
}

/** Parses a public key file's text: SPKI PEM, or base64 of the 32 raw bytes. Throws on anything else. */
export function parsePublicKey(text: string): KeyObject {
  const trimmed = text.trim();
  let key: KeyObject;
  if (trimmed.startsWith('-----BEGIN')) {
    key = createPublicKey({ key: trimmed, format: 'pem' });
  } else {
    const raw = Buffer.from(trimmed, 'base64');
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed) || raw.length !== 32) {
      throw new TypeError('a public key must be a PEM or the base64 of 32 raw Ed25519 bytes');
    }
    key = createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') },
      format: 'jwk',
    });
  }
  if (key.asymmetricKeyType !== 'ed25519')
    throw new TypeError(`not an Ed25519 key (${key.asymmetricKeyType ?? '?'})`);
  return key;
}

/** Parses a PKCS#8 PEM private key; throws unless it is Ed25519. */
export function parsePrivateKey(text: string): KeyObject {
  const key = createPrivateKey({ key: text, format: 'pem' });
  if (key.asymmetricKeyType !== 'ed25519')
    throw new TypeError(`not an Ed25519 key (${key.asymmetricKeyType ?? '?'})`);
  return key;
}

/** A new Ed25519 key pair as PEM texts, with its key id. */
export function generateCatalogKeyPair(): { publicKeyPem: string; privateKeyPem: string; keyId: string } {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return {
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    keyId: keyIdOf(publicKey),
  };
}

/** A trusted key from a public key's text. */
export function trustedKeyFromText(text: string, source = 'inline'): TrustedKey {
  const publicKey = parsePublicKey(text);
  return { keyId: keyIdOf(publicKey), publicKey, source };
}

/** Who may own a trusted key file: root and the user the kiosk runs as. `false` skips the check (Windows). */
export type KeyOwnerPolicy = { readonly allowedUids: readonly number[] } | false;

/** The owner policy of this process: root or our own user on POSIX systems, none on Windows. */
export function defaultKeyOwnerPolicy(): KeyOwnerPolicy {
  if (process.platform === 'win32' || typeof process.getuid !== 'function') return false;
  return { allowedUids: [0, process.getuid()] };
}

/**
 * Why a key file must not be trusted, or null when it may: anyone who can replace a trusted key can sign
 * catalogs, so the file must belong to root or the kiosk user and must not be writable by group or others.
 */
export function keyFileUnsafeReason(
  stats: Pick<Stats, 'uid' | 'mode'>,
  policy: KeyOwnerPolicy,
): string | null {
  if (policy === false) return null;
  if (!policy.allowedUids.includes(stats.uid)) {
    return `owned by uid ${stats.uid}, not by root or the kiosk user`;
  }
  if ((stats.mode & 0o022) !== 0) {
    return `writable by ${(stats.mode & 0o002) !== 0 ? 'others' : 'its group'} (mode ${(stats.mode & 0o777).toString(8)})`;
  }
  return null;
}

/**
 * Reads one public key file; throws with the file name on failure, and when the file is not safely owned
 * (see {@link keyFileUnsafeReason}).
 */
export function loadTrustedKeyFile(
  file: string,
  ownerPolicy: KeyOwnerPolicy = defaultKeyOwnerPolicy(),
): TrustedKey {
  try {
    const unsafe = keyFileUnsafeReason(statSync(file), ownerPolicy);
    if (unsafe) throw new Error(`refused: ${unsafe}`);
    return trustedKeyFromText(readFileSync(file, 'utf8'), file);
  } catch (error) {
    throw new Error(
      `cannot read public key ${file}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** Where trusted keys come from. */
export interface TrustedKeySources {
  /** Folder of shipped keys: every `*.pub` in it (resources/keys). Missing folder = none. */
  readonly shippedDir?: string;
  /** More folders of `*.pub` keys (the kiosk's provisioned keys; the demonstration key on demo kiosks). */
  readonly extraDirs?: readonly string[];
  /** Extra key files from the kiosk settings. */
  readonly extraFiles?: readonly string[];
  /** `BOOTH_CATALOG_TRUSTED_KEYS`: comma-separated key files. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Who may own key files; default {@link defaultKeyOwnerPolicy}. */
  readonly ownerPolicy?: KeyOwnerPolicy;
}

/** Trusted keys collected from their sources, and the files that were refused (with the reason). */
export interface TrustedKeyCollection {
  readonly keys: TrustedKey[];
  readonly refused: readonly { readonly file: string; readonly reason: string }[];
}

function keyFilesIn(dir: string | undefined): string[] {
  if (!dir) return [];
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.pub'));
  } catch {
    // No trusted-keys folder: no extra keys (the built-in ones still apply).
    return [];
  }
  return names.sort().map((n) => path.join(dir, n));
}

/**
 * Collects every trusted key like {@link loadTrustedKeys}, but never throws: a key file that cannot be read or
 * is not safely owned is left out and listed in `refused`, so one bad file cannot stop the kiosk (it stays on
 * the keys it can trust, and the technician sees which file was refused and why).
 */
export function collectTrustedKeys(sources: TrustedKeySources): TrustedKeyCollection {
  const byId = new Map<string, TrustedKey>();
  const refused: { file: string; reason: string }[] = [];
  for (const file of trustedKeyFiles(sources)) {
    try {
      const key = loadTrustedKeyFile(file, sources.ownerPolicy ?? defaultKeyOwnerPolicy());
      if (!byId.has(key.keyId)) byId.set(key.keyId, key);
    } catch (error) {
      refused.push({ file, reason: error instanceof Error ? error.message : String(error) });
    }
  }
  return { keys: [...byId.values()], refused };
}

function trustedKeyFiles(sources: TrustedKeySources): string[] {
  const files = keyFilesIn(sources.shippedDir);
  for (const dir of sources.extraDirs ?? []) files.push(...keyFilesIn(dir));
  files.push(...(sources.extraFiles ?? []));
  const fromEnv = sources.env?.BOOTH_CATALOG_TRUSTED_KEYS;
  if (fromEnv)
    files.push(
      ...fromEnv
        .split(',')
        .map((f) => f.trim())
        .filter((f) => f.length > 0),
    );
  return files;
}

/**
 * Collects every trusted key (several at once, so a key can be rotated: publish with the new key while
 * kiosks still trust both, then drop the old one). Duplicates (same key id) are listed once.
 */
export function loadTrustedKeys(sources: TrustedKeySources): TrustedKey[] {
  const byId = new Map<string, TrustedKey>();
  for (const file of trustedKeyFiles(sources)) {
    const key = loadTrustedKeyFile(file, sources.ownerPolicy ?? defaultKeyOwnerPolicy());
    if (!byId.has(key.keyId)) byId.set(key.keyId, key);
  }
  return [...byId.values()];
}

/** Signs a catalog object (any JSON value; callers validate first). */
export function signCatalog(catalog: unknown, privateKey: KeyObject): SignedCatalog {
  const publicKey = createPublicKey(privateKey);
  const value = sign(null, canonicalJsonBytes(catalog), privateKey).toString('base64');
  return { catalog, signature: { alg: CATALOG_SIGNATURE_ALG, keyId: keyIdOf(publicKey), value } };
}

function readVersion(catalog: unknown): number | undefined {
  if (typeof catalog !== 'object' || catalog === null) return undefined;
  const v = (catalog as Record<string, unknown>).version;
  return typeof v === 'number' && Number.isSafeInteger(v) ? v : undefined;
}

function reject(
  code: CatalogRejectionReason,
  message: string,
  version?: number,
  errors?: readonly CatalogValidationError[],
): Err<CatalogVerificationError> {
  return err({
    code,
    message,
    ...(version !== undefined ? { version } : {}),
    ...(errors ? { errors } : {}),
  });
}

/**
 * Whether a catalog's signed audience includes a kiosk: listed by id, or a member of a listed group. An audience
 * with neither list empty-handed means nobody; a catalog without an audience is for every kiosk.
 */
export function addressedTo(
  audience: { readonly kioskIds?: readonly string[]; readonly kioskGroups?: readonly string[] },
  kiosk: KioskIdentity,
): boolean {
  if (audience.kioskIds?.includes(kiosk.kioskId)) return true;
  return audience.kioskGroups?.some((g) => kiosk.kioskGroups.includes(g)) ?? false;
}

/**
 * Verifies an untrusted signed catalog: shape, key, signature, schema, validity period, version. The signature
 * is checked before the schema, so nothing but the envelope of an unsigned or forged document is examined.
 */
export function verifySignedCatalog(doc: unknown, options: VerifyOptions): CatalogVerification {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    return reject('malformed', 'the document is not a JSON object');
  }
  const record = doc as Record<string, unknown>;
  if (!('signature' in record) || record.signature === null || record.signature === undefined) {
    const version = readVersion('catalog' in record ? record.catalog : record);
    return reject('unsigned', 'the document carries no signature', version);
  }
  const envelope = envelopeSchema.safeParse(doc);
  const version = readVersion(record.catalog);
  if (!envelope.success) {
    const issue = envelope.error.issues[0];
    const where = issue ? issue.path.map(String).join('.') || '(root)' : '(root)';
    return reject(
      'malformed',
      `bad signed-catalog envelope at ${where}: ${issue?.message ?? 'invalid'}`,
      version,
    );
  }
  const { signature } = envelope.data;
  // Canonicalize the document as parsed, not zod's copy: the copy could differ for odd keys like "__proto__".
  const catalog = record.catalog;
  const key = options.trustedKeys.find((k) => k.keyId === signature.keyId);
  if (!key)
    return reject(
      'unknown-key',
      `signed with key ${signature.keyId}, which this kiosk does not trust`,
      version,
    );
  let bytes: Buffer;
  try {
    bytes = canonicalJsonBytes(catalog);
  } catch (error) {
    return reject(
      'malformed',
      `cannot canonicalize: ${error instanceof Error ? error.message : String(error)}`,
      version,
    );
  }
  const sig = Buffer.from(signature.value, 'base64');
  if (sig.length !== 64 || !verify(null, bytes, key.publicKey, sig)) {
    return reject(
      'bad-signature',
      `the signature does not match the content (key ${signature.keyId})`,
      version,
    );
  }
  const validated = validateCatalog(catalog);
  if (!validated.ok) {
    const first = validated.error.errors[0];
    const more = validated.error.errors.length > 1 ? ` (+${validated.error.errors.length - 1} more)` : '';
    return reject(
      'schema',
      `schema: ${first?.path ?? '?'}: ${first?.message ?? '?'}${more}`,
      version,
      validated.error.errors,
    );
  }
  const c = validated.value;
  if (!options.skipTimeCheck) {
    const skew = options.clockSkewMs ?? DEFAULT_CLOCK_SKEW_MS;
    if (options.now + skew < Date.parse(c.issuedAt)) {
      return reject('not-yet-valid', `catalog ${c.version} is valid from ${c.issuedAt}`, c.version);
    }
    if (options.now - skew >= Date.parse(c.expiresAt)) {
      return reject('expired', `catalog ${c.version} expired at ${c.expiresAt}`, c.version);
    }
  }
  if (options.kiosk && c.audience && !addressedTo(c.audience, options.kiosk)) {
    return reject(
      'audience',
      `catalog ${c.version} is addressed to other kiosks (kiosk ${options.kiosk.kioskId}, groups ${options.kiosk.kioskGroups.join(',') || 'none'})`,
      c.version,
    );
  }
  if (
    options.appliedVersion !== undefined &&
    options.appliedVersion !== null &&
    c.version <= options.appliedVersion
  ) {
    return reject(
      'rollback',
      `catalog ${c.version} is not newer than the applied ${options.appliedVersion}`,
      c.version,
    );
  }
  return ok({ catalog: c, keyId: signature.keyId, signed: { catalog, signature } });
}
