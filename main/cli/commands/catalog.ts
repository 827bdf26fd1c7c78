/**
 * `booth catalog …`: the administrator's tools for service catalogs (keygen, validate, sign, verify, diff,
 * publish) and the technician's offline path (apply a USB file, show status) on a kiosk's data directory.
 */
import { constants } from 'node:fs';
import { access, chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { resourcesDir } from '../../core/paths.js';
import { CatalogService, shippedDefaultLoader } from '../../services/catalog/catalog-service.js';
import type { CatalogStatus } from '../../services/catalog/catalog-service.js';
import { FileCatalogStore, writeFileAtomic } from '../../services/catalog/catalog-store.js';
import type { CatalogStore } from '../../services/catalog/catalog-store.js';
import { diffCatalogs, formatCatalogDiff } from '../../services/catalog/diff.js';
import { catalogJsonSchemaText, validateCatalog } from '../../../contract/catalog/schema.js';
import type { TrustedKey } from '../../../contract/catalog/signing.js';
import type { KioskIdentity } from '../../../contract/catalog/signing.js';
import {
  collectTrustedKeys,
  generateCatalogKeyPair,
  loadTrustedKeyFile,
  parsePrivateKey,
  signCatalog,
  verifySignedCatalog,
} from '../../../contract/catalog/signing.js';
import { kioskTrustedKeySources } from '../../services/catalog/trust.js';
import { resolveKioskMode, type KioskMode } from '../../core/mode.js';
import { kioskIdentity } from '../../core/kiosk-identity.js';
import { readProvisioning } from '../../core/provisioning.js';
import { resolveDataDir } from '../../store/data-dir.js';
import type { CliCommand, CliIO } from '../command.js';
import { CliError } from '../command.js';
import { parseOptions } from '../options.js';

/**
 * The local demonstration central server's administrator token: used only when neither --token-file nor
 * BOOTH_ADMIN_TOKEN is given and the central URL is the loopback address (the server `npm start` runs).
 */
export const DEV_ADMIN_TOKEN = 'dev-admin-token';

/** The administrator token: a file or BOOTH_ADMIN_TOKEN, never argv; the demo token only for a loopback server. */
async function adminToken(
  values: Record<string, string | boolean | undefined>,
  io: CliIO,
  endpoint: URL,
): Promise<string> {
  if (typeof values.token === 'string') {
    throw new CliError(
      'a token on the command line is visible to every user (ps, shell history): use --token-file FILE or BOOTH_ADMIN_TOKEN',
      2,
    );
  }
  if (typeof values['token-file'] === 'string') {
    try {
      const token = (await readFile(values['token-file'], 'utf8')).split('\n')[0]?.trim() ?? '';
      if (token === '') throw new Error('the file is empty');
      return token;
    } catch (error) {
      throw new CliError(`cannot read the token file: ${(error as Error).message}`);
    }
  }
  if (io.env.BOOTH_ADMIN_TOKEN) return io.env.BOOTH_ADMIN_TOKEN;
  if (['127.0.0.1', 'localhost', '[::1]'].includes(endpoint.hostname)) return DEV_ADMIN_TOKEN;
  throw new CliError('the administrator token is needed: --token-file FILE or BOOTH_ADMIN_TOKEN', 2);
}

/** Verification away from any kiosk: the keys of the mode BOOTH_SIMULATE selects, without a data directory. */
function toolTrustedKeys(io: CliIO): TrustedKey[] {
  const { mode } = resolveKioskMode({ env: io.env });
  const { keys, refused } = collectTrustedKeys(
    kioskTrustedKeySources({ mode, resourcesDir: resourcesDir(io.env), env: io.env }),
  );
  for (const r of refused) io.stderr(`warning: trusted key ${r.file} not used: ${r.reason}\n`);
  return keys;
}

async function readJsonFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new CliError(`${file} is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function isSignedEnvelope(doc: unknown): doc is { catalog: unknown; signature: unknown } {
  return typeof doc === 'object' && doc !== null && 'catalog' in doc && 'signature' in doc;
}

/** The bare catalog of a file that holds either a catalog or a signed document. */
function bareCatalog(doc: unknown): unknown {
  return isSignedEnvelope(doc) ? doc.catalog : doc;
}

function one(positionals: readonly string[], what: string): string {
  if (positionals.length !== 1 || !positionals[0]) throw new CliError(`expected exactly one ${what}`, 2);
  return positionals[0];
}

function dataDirOf(values: Record<string, string | boolean | undefined>, io: CliIO): string {
  return typeof values.data === 'string' ? path.resolve(values.data) : resolveDataDir(io.env);
}

/**
 * The kiosk on a data directory as the running kiosk sees it: its mode (a provisioned data directory is always
 * production; demonstration only with BOOTH_SIMULATE=1), who it is (for catalogs' audience) and the keys it
 * trusts — so a catalog this command applies is one the kiosk itself would have accepted.
 */
async function kioskOnDataDir(
  dataDir: string,
  io: CliIO,
): Promise<{ mode: KioskMode; kiosk: KioskIdentity; trustedKeys: TrustedKey[] }> {
  let provisioning;
  try {
    provisioning = await readProvisioning(dataDir);
  } catch (error) {
    throw new CliError(error instanceof Error ? error.message : String(error));
  }
  const { mode } = resolveKioskMode({ env: io.env, provisioned: provisioning !== null });
  const { keys, refused } = collectTrustedKeys(
    kioskTrustedKeySources({ mode, resourcesDir: resourcesDir(io.env), dataDir, env: io.env }),
  );
  for (const r of refused) io.stderr(`warning: trusted key ${r.file} not used: ${r.reason}\n`);
  return { mode, kiosk: kioskIdentity(io.env, provisioning), trustedKeys: keys };
}

function keysFromOption(option: string): TrustedKey[] {
  try {
    return option
      .split(',')
      .map((f) => f.trim())
      .filter((f) => f.length > 0)
      .map((f) => loadTrustedKeyFile(f));
  } catch (error) {
    throw new CliError(error instanceof Error ? error.message : String(error));
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file, constants.F_OK);
    return true;
  } catch {
    // Cannot be seen: does not exist, for the purpose of this check.
    return false;
  }
}

const keygen: CliCommand = {
  path: ['catalog', 'keygen'],
  summary: 'Create an Ed25519 catalog signing key pair (private key file mode 0600)',
  usage: 'booth catalog keygen --out DIR [--name NAME] [--force]',
  async run(args, io) {
    const { values } = parseOptions(args, {
      out: { type: 'string' },
      name: { type: 'string' },
      force: { type: 'boolean' },
    });
    if (typeof values.out !== 'string') throw new CliError('--out DIR is required', 2);
    const name = typeof values.name === 'string' ? values.name : 'catalog-signing';
    if (!/^[A-Za-z0-9._-]+$/.test(name))
      throw new CliError('--name may only use letters, digits, ".", "_" and "-"', 2);
    const dir = path.resolve(values.out);
    const privateFile = path.join(dir, `${name}.key`);
    const publicFile = path.join(dir, `${name}.pub`);
    if (!values.force) {
      for (const f of [privateFile, publicFile]) {
        if (await exists(f)) throw new CliError(`${f} already exists (use --force to overwrite)`);
      }
    }
    const pair = generateCatalogKeyPair();
    await mkdir(dir, { recursive: true });
    await writeFile(privateFile, pair.privateKeyPem, { mode: 0o600 });
    await chmod(privateFile, 0o600); // mode is ignored when the file already existed (--force)
    await writeFile(publicFile, pair.publicKeyPem, { mode: 0o644 });
    io.stdout(
      `key id ${pair.keyId}\nprivate key: ${privateFile} (keep it secret, never commit it)\npublic key:  ${publicFile}\n`,
    );
    return 0;
  },
};

const validate: CliCommand = {
  path: ['catalog', 'validate'],
  summary: 'Check a catalog (or signed catalog) against the schema; every error names its JSON path',
  usage: 'booth catalog validate FILE [--json]',
  async run(args, io) {
    const { values, positionals } = parseOptions(args, { json: { type: 'boolean' } }, true);
    const file = one(positionals, 'FILE');
    const result = validateCatalog(bareCatalog(await readJsonFile(file)));
    if (values.json) io.stdout(JSON.stringify(result.ok ? { ok: true } : result, null, 2) + '\n');
    if (!result.ok) {
      if (!values.json) for (const e of result.error.errors) io.stdout(`${e.path}: ${e.message}\n`);
      const first = result.error.errors[0];
      throw new CliError(
        `${result.error.errors.length} error(s); first: ${first?.path ?? '?'}: ${first?.message ?? '?'}`,
      );
    }
    if (!values.json) {
      const c = result.value;
      io.stdout(
        `ok: version ${c.version}, ${c.services.length} services in ${c.categories.length} categories\n`,
      );
    }
    return 0;
  },
};

const sign: CliCommand = {
  path: ['catalog', 'sign'],
  summary: 'Validate a catalog and sign it (detached Ed25519 over RFC 8785 canonical JSON)',
  usage: 'booth catalog sign FILE --key KEY [--out FILE.signed.json]',
  async run(args, io) {
    const { values, positionals } = parseOptions(
      args,
      { key: { type: 'string' }, out: { type: 'string' } },
      true,
    );
    const file = one(positionals, 'FILE');
    if (typeof values.key !== 'string') throw new CliError('--key KEY is required', 2);
    const catalog = bareCatalog(await readJsonFile(file));
    const result = validateCatalog(catalog);
    if (!result.ok) {
      const first = result.error.errors[0];
      throw new CliError(
        `refusing to sign an invalid catalog: ${first?.path ?? '?'}: ${first?.message ?? '?'}`,
      );
    }
    let keyText: string;
    try {
      keyText = await readFile(values.key, 'utf8');
    } catch (error) {
      throw new CliError(
        `cannot read ${values.key}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      );
    }
    let privateKey;
    try {
      privateKey = parsePrivateKey(keyText);
    } catch (error) {
      throw new CliError(
        `${values.key} is not an Ed25519 private key: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    const signed = signCatalog(catalog, privateKey);
    const out =
      typeof values.out === 'string'
        ? values.out
        : file.endsWith('.json')
          ? file.replace(/\.json$/, '.signed.json')
          : `${file}.signed.json`;
    await writeFileAtomic(path.resolve(out), JSON.stringify(signed, null, 2) + '\n');
    io.stdout(`signed version ${result.value.version} with key ${signed.signature.keyId} -> ${out}\n`);
    return 0;
  },
};

const verify: CliCommand = {
  path: ['catalog', 'verify'],
  summary: 'Verify a signed catalog: signature, trusted key, schema and validity period',
  usage: 'booth catalog verify FILE [--pubkey KEY[,KEY…]] [--json]',
  async run(args, io) {
    const { values, positionals } = parseOptions(
      args,
      { pubkey: { type: 'string' }, json: { type: 'boolean' } },
      true,
    );
    const file = one(positionals, 'FILE');
    const doc = await readJsonFile(file);
    const trustedKeys =
      typeof values.pubkey === 'string' ? keysFromOption(values.pubkey) : toolTrustedKeys(io);
    const result = verifySignedCatalog(doc, { trustedKeys, now: Date.now() });
    if (values.json) {
      io.stdout(
        JSON.stringify(
          result.ok
            ? {
                ok: true,
                version: result.value.catalog.version,
                keyId: result.value.keyId,
                expiresAt: result.value.catalog.expiresAt,
              }
            : {
                ok: false,
                reason: result.error.code,
                message: result.error.message,
                version: result.error.version,
                errors: result.error.errors,
              },
          null,
          2,
        ) + '\n',
      );
    }
    if (!result.ok) throw new CliError(`${result.error.code}: ${result.error.message}`);
    if (!values.json) {
      const { catalog, keyId } = result.value;
      io.stdout(`ok: version ${catalog.version}, signed by key ${keyId}, valid until ${catalog.expiresAt}\n`);
    }
    return 0;
  },
};

const diff: CliCommand = {
  path: ['catalog', 'diff'],
  summary: 'Show services (and categories, groups, notices) added, removed or changed between two catalogs',
  usage: 'booth catalog diff OLD NEW [--json]',
  async run(args, io) {
    const { values, positionals } = parseOptions(args, { json: { type: 'boolean' } }, true);
    if (positionals.length !== 2) throw new CliError('expected OLD and NEW', 2);
    const [oldFile = '', newFile = ''] = positionals;
    const d = diffCatalogs(
      bareCatalog(await readJsonFile(oldFile)),
      bareCatalog(await readJsonFile(newFile)),
    );
    io.stdout(values.json ? JSON.stringify(d, null, 2) + '\n' : formatCatalogDiff(d).join('\n') + '\n');
    return 0;
  },
};

const errorBodySchema = z.object({
  error: z.object({ code: z.string().optional(), message: z.string().optional() }),
});
const publishedSchema = z.object({ version: z.number(), etag: z.string() });

const publish: CliCommand = {
  path: ['catalog', 'publish'],
  summary: 'Upload a signed catalog to the central API (POST URL/v1/admin/catalog)',
  usage: 'booth catalog publish FILE --central URL [--token-file FILE] [--pubkey KEY]',
  async run(args, io) {
    const { values, positionals } = parseOptions(
      args,
      {
        central: { type: 'string' },
        token: { type: 'string' },
        'token-file': { type: 'string' },
        pubkey: { type: 'string' },
      },
      true,
    );
    const file = one(positionals, 'FILE');
    if (typeof values.central !== 'string') throw new CliError('--central URL is required', 2);
    let endpoint: URL;
    try {
      const base = new URL(values.central);
      if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new Error('not http(s)');
      endpoint = new URL(`${base.pathname.replace(/\/+$/, '')}/v1/admin/catalog`, base);
    } catch {
      throw new CliError(`--central must be an http(s) URL, got "${values.central}"`, 2);
    }
    const token = await adminToken(values, io, endpoint);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      throw new CliError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
    let doc: unknown;
    try {
      doc = JSON.parse(text) as unknown;
    } catch (error) {
      throw new CliError(`${file} is not JSON: ${error instanceof Error ? error.message : String(error)}`);
    }
    // Catch mistakes before they reach the fleet: unsigned or invalid documents are never uploaded.
    if (!isSignedEnvelope(doc))
      throw new CliError(`${file} is not a signed catalog (run 'booth catalog sign' first)`);
    const trustedKeys = typeof values.pubkey === 'string' ? keysFromOption(values.pubkey) : null;
    if (trustedKeys) {
      const checked = verifySignedCatalog(doc, { trustedKeys, now: Date.now() });
      if (!checked.ok)
        throw new CliError(`refusing to publish: ${checked.error.code}: ${checked.error.message}`);
    } else {
      const checked = validateCatalog(doc.catalog);
      if (!checked.ok) {
        const first = checked.error.errors[0];
        throw new CliError(
          `refusing to publish an invalid catalog: ${first?.path ?? '?'}: ${first?.message ?? '?'}`,
        );
      }
    }
    let response: Response;
    try {
      response = await fetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: text,
        signal: AbortSignal.any([io.signal, AbortSignal.timeout(30_000)]),
      });
    } catch (error) {
      const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
      throw new CliError(
        `cannot reach ${endpoint.origin}: ${error instanceof Error ? error.message : String(error)}${cause}`,
      );
    }
    const body = await response.text();
    let json: unknown = null;
    try {
      json = JSON.parse(body) as unknown;
    } catch {
      json = null;
    }
    if (!response.ok) {
      const parsed = errorBodySchema.safeParse(json);
      const detail = parsed.success
        ? [parsed.data.error.code, parsed.data.error.message].filter(Boolean).join(': ')
        : body.slice(0, 200).replace(/\s+/g, ' ');
      throw new CliError(`central refused the catalog: HTTP ${response.status}${detail ? ` ${detail}` : ''}`);
    }
    const published = publishedSchema.safeParse(json);
    io.stdout(
      published.success
        ? `published version ${published.data.version} (etag ${published.data.etag})\n`
        : `published (HTTP ${response.status})\n`,
    );
    return 0;
  },
};

const apply: CliCommand = {
  path: ['catalog', 'apply'],
  summary: 'Verify a signed catalog file (e.g. from USB) and apply it to this kiosk’s data directory',
  usage: 'booth catalog apply FILE [--data DIR]',
  async run(args, io) {
    const { values, positionals } = parseOptions(args, { data: { type: 'string' } }, true);
    const file = one(positionals, 'FILE');
    const doc = await readJsonFile(file);
    const service = await openCatalogService(values, io);
    await service.init();
    const result = await service.offer(doc, 'file');
    if (!result.ok) {
      const { error } = result;
      if (error.code === 'store-failed') throw new CliError(error.message);
      throw new CliError(
        `rejected (${error.rejection.reason}): ${error.rejection.message}; the current catalog stays`,
      );
    }
    const { outcome, version } = result.value;
    if (outcome === 'unchanged') io.stdout(`version ${version} is already applied\n`);
    else if (outcome === 'applied') io.stdout(`applied version ${version}\n`);
    else throw new CliError(`version ${version} was staged but not applied`);
    return 0;
  },
};

/**
 * The catalog service on a data directory (also read by `booth health` and the diagnostics bundle). `readOnly` (status) never writes and never applies: it pretends a
 * visit is running, so a staged catalog shows as staged, and drops every write.
 */
export async function openCatalogService(
  values: Record<string, string | boolean | undefined>,
  io: CliIO,
  readOnly = false,
): Promise<CatalogService> {
  const dataDir = dataDirOf(values, io);
  const files = new FileCatalogStore(dataDir);
  const kiosk = await kioskOnDataDir(dataDir, io);
  const store: CatalogStore = readOnly
    ? {
        loadApplied: () => files.loadApplied(),
        loadStaged: () => files.loadStaged(),
        lastRejection: () => files.lastRejection(),
        saveApplied: async () => undefined,
        saveStaged: async () => undefined,
        recordRejection: async () => undefined,
        loadFloor: () => files.loadFloor(),
        saveFloor: async () => undefined,
      }
    : files;
  return new CatalogService({
    store,
    trustedKeys: kiosk.trustedKeys,
    kiosk: kiosk.kiosk,
    // No visit ever runs inside the CLI, so apply at once (unless read-only).
    isVisitInProgress: () => readOnly,
    // The demonstration catalog exists only on demonstration kiosks.
    ...(kiosk.mode === 'demonstration'
      ? { loadShippedDefault: shippedDefaultLoader(resourcesDir(io.env)) }
      : {}),
  });
}

function describeStatus(s: CatalogStatus): string {
  const applied =
    s.appliedVersion === null
      ? 'none usable'
      : `${s.appliedVersion}${s.appliedSource === 'default' ? ' (shipped default)' : ''}`;
  const validity = s.expiresAt
    ? `${s.expired ? 'EXPIRED at' : 'valid until'} ${s.expiresAt}${s.expired ? ' (out of service until a newer catalog is applied)' : ''}`
    : 'no catalog: out of service';
  const rejection = s.lastRejection
    ? `${s.lastRejection.reason} (version ${s.lastRejection.version ?? '?'}, from ${s.lastRejection.source}, at ${s.lastRejection.at}): ${s.lastRejection.message}`
    : 'none';
  return `applied version: ${applied}\nvalidity:        ${validity}\nrollback floor:  ${s.floorVersion ?? 'none'}\nstaged version:  ${s.stagedVersion ?? 'none'}\nlast rejection:  ${rejection}\n`;
}

const status: CliCommand = {
  path: ['catalog', 'status'],
  summary: 'Show the applied and staged catalog versions and the last rejection with its reason',
  usage: 'booth catalog status [--data DIR] [--json]',
  async run(args, io) {
    const { values } = parseOptions(args, { data: { type: 'string' }, json: { type: 'boolean' } });
    const service = await openCatalogService(values, io, true);
    await service.init();
    const s = service.status();
    io.stdout(values.json ? JSON.stringify(s, null, 2) + '\n' : describeStatus(s));
    return 0;
  },
};

const schema: CliCommand = {
  path: ['catalog', 'schema'],
  summary:
    'Print (or write) the catalog JSON Schema for authors’ editors (resources/catalog/catalog.schema.json)',
  usage: 'booth catalog schema [--out FILE]',
  async run(args, io) {
    const { values } = parseOptions(args, { out: { type: 'string' } });
    const text = catalogJsonSchemaText();
    if (typeof values.out === 'string') {
      await writeFileAtomic(path.resolve(values.out), text);
      io.stdout(`wrote ${values.out}\n`);
    } else {
      io.stdout(text);
    }
    return 0;
  },
};

/** The `booth catalog` command group. */
export const commands: CliCommand[] = [keygen, validate, sign, verify, diff, publish, apply, status, schema];
