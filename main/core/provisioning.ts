import { chmod, copyFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../services/catalog/catalog-store.js';
import { trustedKeyFromText, type TrustedKey } from '../../contract/catalog/signing.js';
import { provisionedKeysDir } from '../services/catalog/trust.js';

/**
 * Enrolment of a production kiosk (`booth provision`): which central system it reports to, who it is there, the
 * bearer token it presents, its kiosk groups, and the catalog keys it trusts. Kept in the kiosk's data directory
 * (0700) as `provisioning.json` (0600) and `trusted-keys/*.pub`. The token is read from a file or standard
 * input, never from the command line, where `ps` and shell history would show it.
 */

/** The provisioning file's name in the data directory. */
export const PROVISIONING_FILE = 'provisioning.json';

const kioskIdSchema = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'expected 1-64 of A-Z a-z 0-9 . _ -');
const groupSchema = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be a lower-case slug');

/** A central URL a kiosk may use: HTTPS, or plain HTTP to the loopback address only (a pilot on one machine). */
export const centralUrlSchema = z.url({ protocol: /^https?$/ }).refine(
  (u) => {
    const url = new URL(u);
    return url.protocol === 'https:' || ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  },
  { message: 'the central API must be HTTPS (plain HTTP only to the loopback address)' },
);

/** A bearer token: printable ASCII without spaces, long enough not to be guessed. */
export const centralTokenSchema = z
  .string()
  .min(16, 'a token has at least 16 characters')
  .max(512)
  .regex(/^[\x21-\x7e]+$/, 'a token is printable ASCII without spaces');

/** The provisioning file's contents. */
export const provisioningSchema = z.strictObject({
  schemaVersion: z.literal(1),
  centralUrl: centralUrlSchema,
  kioskId: kioskIdSchema,
  token: centralTokenSchema,
  kioskGroups: z.array(groupSchema).max(50),
  /** Where receipts' QR codes point (the citizens' progress page); default the central URL. */
  progressBaseUrl: z.url({ protocol: /^https?$/ }).optional(),
  provisionedAt: z.iso.datetime({ offset: true }),
});
/** An enrolled kiosk's settings. */
export type Provisioning = z.infer<typeof provisioningSchema>;

/** The provisioning file exists but cannot be used: the kiosk refuses to start rather than guess. */
export class ProvisioningError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProvisioningError';
  }
}

/** The provisioning file's path. */
export function provisioningPath(dataDir: string): string {
  return path.join(dataDir, PROVISIONING_FILE);
}

/** Reads the kiosk's enrolment; `null` when it was never provisioned. Throws {@link ProvisioningError} if damaged. */
export async function readProvisioning(dataDir: string): Promise<Provisioning | null> {
  let text: string;
  try {
    text = await readFile(provisioningPath(dataDir), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new ProvisioningError(
      `cannot read ${provisioningPath(dataDir)}: ${(error as Error).message}; run booth provision again`,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text) as unknown;
  } catch {
    throw new ProvisioningError(`${provisioningPath(dataDir)} is not JSON; run booth provision again`);
  }
  const parsed = provisioningSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ProvisioningError(
      `${provisioningPath(dataDir)} is invalid at ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? '?'}; run booth provision again`,
    );
  }
  return parsed.data;
}

/** What {@link provisionKiosk} needs. */
export interface ProvisionRequest {
  readonly dataDir: string;
  readonly centralUrl: string;
  readonly kioskId: string;
  readonly token: string;
  readonly kioskGroups: readonly string[];
  readonly progressBaseUrl?: string;
  /** Public key files of the production catalog signers (at least one). */
  readonly trustedKeyFiles: readonly string[];
  readonly now?: () => Date;
}

/** What was enrolled (no token). */
export interface ProvisionResult {
  readonly kioskId: string;
  readonly centralUrl: string;
  readonly keyIds: readonly string[];
}

/**
 * Enrols a kiosk: validates everything first, then writes the trusted keys and the provisioning file (0600,
 * atomically). Re-provisioning replaces the settings and adds keys; removing a key is deleting its file.
 */
export async function provisionKiosk(request: ProvisionRequest): Promise<ProvisionResult> {
  if (request.trustedKeyFiles.length === 0) {
    throw new ProvisioningError('at least one trusted catalog key (--trusted-key FILE) is needed');
  }
  const keys: { file: string; key: TrustedKey }[] = [];
  for (const file of request.trustedKeyFiles) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      throw new ProvisioningError(`cannot read key ${file}: ${(error as Error).message}`);
    }
    try {
      keys.push({ file, key: trustedKeyFromText(text, file) });
    } catch (error) {
      throw new ProvisioningError(`${file} is not a catalog public key: ${(error as Error).message}`);
    }
  }
  const provisioning = provisioningSchema.safeParse({
    schemaVersion: 1,
    centralUrl: request.centralUrl,
    kioskId: request.kioskId,
    token: request.token,
    kioskGroups: [...request.kioskGroups],
    ...(request.progressBaseUrl ? { progressBaseUrl: request.progressBaseUrl } : {}),
    provisionedAt: (request.now?.() ?? new Date()).toISOString(),
  });
  if (!provisioning.success) {
    const issue = provisioning.error.issues[0];
    // Never echo the token back: the message names the field only.
    throw new ProvisioningError(`${issue?.path.join('.') || 'settings'}: ${issue?.message ?? 'invalid'}`);
  }
  await mkdir(request.dataDir, { recursive: true, mode: 0o700 });
  await chmod(request.dataDir, 0o700);
  const keysDir = provisionedKeysDir(request.dataDir);
  await mkdir(keysDir, { recursive: true, mode: 0o700 });
  for (const { file, key } of keys) {
    const target = path.join(keysDir, `${key.keyId}.pub`);
    await copyFile(file, target);
    await chmod(target, 0o600);
  }
  await writeFileAtomic(provisioningPath(request.dataDir), JSON.stringify(provisioning.data, null, 2));
  return {
    kioskId: provisioning.data.kioskId,
    centralUrl: provisioning.data.centralUrl,
    keyIds: keys.map((k) => k.key.keyId),
  };
}
