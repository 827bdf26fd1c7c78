import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  NOW,
  defaultCatalog,
  defaultSignedCatalogFile,
  demoPrivateKey,
  demoPublicKeyFile,
  demoTrustedKey,
  newKey,
  resourcesRoot,
  signedVersion,
} from '../../test/fixtures/catalog/helpers.js';
import {
  addressedTo,
  canonicalJsonBytes,
  collectTrustedKeys,
  generateCatalogKeyPair,
  keyFileUnsafeReason,
  keyIdOf,
  loadTrustedKeys,
  parsePrivateKey,
  parsePublicKey,
  signCatalog,
  verifySignedCatalog,
} from './signing.js';

describe('RFC 8785 canonical JSON', () => {
  it('serializes numbers like the RFC 8785 appendix B examples', () => {
    const cases: [string, string][] = [
      ['0000000000000000', '0'],
      ['8000000000000000', '0'],
      ['0000000000000001', '5e-324'],
      ['8000000000000001', '-5e-324'],
      ['7fefffffffffffff', '1.7976931348623157e+308'],
      ['ffefffffffffffff', '-1.7976931348623157e+308'],
      ['4340000000000000', '9007199254740992'],
      ['c340000000000000', '-9007199254740992'],
      ['4430000000000000', '295147905179352830000'],
      ['44b52d02c7e14af5', '9.999999999999997e+22'],
      ['44b52d02c7e14af6', '1e+23'],
      ['44b52d02c7e14af7', '1.0000000000000001e+23'],
      ['444b1ae4d6e2ef4e', '999999999999999700000'],
      ['444b1ae4d6e2ef4f', '999999999999999900000'],
      ['444b1ae4d6e2ef50', '1e+21'],
      ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
      ['3eb0c6f7a0b5ed8d', '0.000001'],
      ['41b3de4355555553', '333333333.3333332'],
      ['41b3de4355555554', '333333333.33333325'],
      ['41b3de4355555555', '333333333.3333333'],
      ['41b3de4355555556', '333333333.3333334'],
      ['41b3de4355555557', '333333333.33333343'],
      ['becbf647612f3696', '-0.0000033333333333333333'],
      ['43143ff3c1cb0959', '1424953923781206.2'],
    ];
    for (const [hex, expected] of cases) {
      const n = Buffer.from(hex, 'hex').readDoubleBE(0);
      expect(canonicalJsonBytes(n).toString('utf8'), hex).toBe(expected);
    }
    expect(() => canonicalJsonBytes(Number.NaN)).toThrow();
    expect(() => canonicalJsonBytes(Number.POSITIVE_INFINITY)).toThrow();
  });

  it('matches the RFC 8785 section 3.2.2 example (whitespace, numbers, string escapes)', () => {
    const input =
      '{ "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001], ' +
      '"string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/", "literals": [null, true, false] }';
    const expected =
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],' +
      '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}';
    expect(canonicalJsonBytes(JSON.parse(input)).toString('utf8')).toBe(expected);
  });

  it('sorts keys by UTF-16 code units (RFC 8785 section 3.2.3)', () => {
    const input =
      '{"\\u20ac":"Euro Sign","\\r":"Carriage Return","\\ufb33":"Hebrew Letter Dalet With Dagesh","1":"One",' +
      '"\\ud83d\\ude00":"Emoji: Grinning Face","\\u0080":"Control","\\u00f6":"Latin Small Letter O With Diaeresis"}';
    const text = canonicalJsonBytes(JSON.parse(input)).toString('utf8');
    // Read the order from the text: re-parsing would put the integer-like key "1" first again.
    const order = [...text.matchAll(/:"([^"]+)"/g)].map((m) => m[1]);
    expect(order).toEqual([
      'Carriage Return',
      'One',
      'Control',
      'Latin Small Letter O With Diaeresis',
      'Euro Sign',
      'Emoji: Grinning Face',
      'Hebrew Letter Dalet With Dagesh',
    ]);
    expect(text.startsWith('{"\\r":"Carriage Return","1":"One","\u0080":')).toBe(true);
    // Nested objects are sorted too; array order is kept.
    expect(canonicalJsonBytes({ b: [3, 1], a: { d: 1, c: 2 } }).toString()).toBe(
      '{"a":{"c":2,"d":1},"b":[3,1]}',
    );
  });
});

describe('keys', () => {
  it('reads PEM and raw base64 public keys to the same key id', () => {
    const pem = readFileSync(demoPublicKeyFile, 'utf8');
    const key = parsePublicKey(pem);
    const raw = Buffer.from(key.export({ format: 'jwk' }).x ?? '', 'base64url').toString('base64');
    expect(keyIdOf(parsePublicKey(raw))).toBe(keyIdOf(key));
    expect(keyIdOf(key)).toMatch(/^[0-9a-f]{16}$/);
    expect(() => parsePublicKey('not a key')).toThrow(/PEM or the base64/);
    expect(() => parsePublicKey(Buffer.alloc(31).toString('base64'))).toThrow();
  });

  it('the demo public key matches the committed demo private key', () => {
    const signed = signCatalog(defaultCatalog(), demoPrivateKey());
    expect(signed.signature.keyId).toBe(demoTrustedKey().keyId);
  });

  it('loads shipped keys, settings files and BOOTH_CATALOG_TRUSTED_KEYS together, once each', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'catalog-keys-'));
    const a = generateCatalogKeyPair();
    const b = generateCatalogKeyPair();
    writeFileSync(path.join(dir, 'a.pub'), a.publicKeyPem);
    writeFileSync(path.join(dir, 'b.pem'), b.publicKeyPem);
    const keys = loadTrustedKeys({
      shippedDir: path.join(resourcesRoot, 'demo', 'keys'),
      extraFiles: [path.join(dir, 'a.pub')],
      env: { BOOTH_CATALOG_TRUSTED_KEYS: ` ${path.join(dir, 'b.pem')} ,${path.join(dir, 'a.pub')}` },
    });
    expect(keys.map((k) => k.keyId)).toEqual([demoTrustedKey().keyId, a.keyId, b.keyId]);
    expect(() => loadTrustedKeys({ extraFiles: [path.join(dir, 'missing.pub')] })).toThrow(/missing\.pub/);
    expect(loadTrustedKeys({ shippedDir: path.join(dir, 'no-such-dir') })).toEqual([]);
  });
});

describe('keys a kiosk may trust', () => {
  it('refuses keys of any other algorithm, naming it', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const x25519 = generateKeyPairSync('x25519');
    const pem = (k: KeyObject, type: 'spki' | 'pkcs8'): string =>
      k.export({ format: 'pem', type }).toString();
    expect(() => parsePublicKey(pem(rsa.publicKey, 'spki'))).toThrow('not an Ed25519 key (rsa)');
    expect(() => parsePublicKey(pem(x25519.publicKey, 'spki'))).toThrow('not an Ed25519 key (x25519)');
    expect(() => parsePrivateKey(pem(rsa.privateKey, 'pkcs8'))).toThrow('not an Ed25519 key (rsa)');
    expect(() => keyIdOf(x25519.publicKey)).toThrow('not an Ed25519 public key');
    expect(() => keyIdOf(rsa.publicKey)).toThrow('not an Ed25519 public key');
  });

  it('reads a raw key with or without base64 padding, and refuses one with stray characters', () => {
    const pem = readFileSync(demoPublicKeyFile, 'utf8');
    const raw = Buffer.from(parsePublicKey(pem).export({ format: 'jwk' }).x ?? '', 'base64url').toString(
      'base64',
    );
    expect(raw).toMatch(/[^=]=$/);
    expect(keyIdOf(parsePublicKey(raw.replace(/=+$/, '')))).toBe(demoTrustedKey().keyId);
    for (const junk of [`*${raw}`, `${raw}*`, `${raw.slice(0, 20)}**${raw.slice(20)}`])
      expect(() => parsePublicKey(junk), junk).toThrow(/PEM or the base64/);
  });

  it('refuses a key file owned by someone outside the given owner policy', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'catalog-keys-'));
    const file = path.join(dir, 'a.pub');
    writeFileSync(file, generateCatalogKeyPair().publicKeyPem);
    const ownerPolicy = { allowedUids: [4242] };
    const collected = collectTrustedKeys({ extraFiles: [file], ownerPolicy });
    expect(collected.keys).toEqual([]);
    expect(collected.refused.map((r) => r.file)).toEqual([file]);
    expect(() => loadTrustedKeys({ extraFiles: [file], ownerPolicy })).toThrow(/a\.pub/);
  });

  it('reads a key file with blank lines around the key', () => {
    const pem = readFileSync(demoPublicKeyFile, 'utf8');
    const raw = Buffer.from(parsePublicKey(pem).export({ format: 'jwk' }).x ?? '', 'base64url').toString(
      'base64',
    );
    expect(keyIdOf(parsePublicKey(`\n  ${raw}\n\n`))).toBe(demoTrustedKey().keyId);
    expect(keyIdOf(parsePublicKey(`\n${pem}\n`))).toBe(demoTrustedKey().keyId);
  });

  it('collects *.pub files of extra folders in name order, skips empty list entries, and keeps the first source of a key', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'catalog-keys-'));
    const a = generateCatalogKeyPair();
    const b = generateCatalogKeyPair();
    writeFileSync(path.join(dir, 'b.pub'), b.publicKeyPem);
    writeFileSync(path.join(dir, 'a.pub'), a.publicKeyPem);
    writeFileSync(path.join(dir, 'notes.txt'), 'not a key');
    const again = path.join(dir, 'again.pem');
    writeFileSync(again, a.publicKeyPem);
    const sources = {
      extraDirs: [dir],
      env: { BOOTH_CATALOG_TRUSTED_KEYS: `,${again}, ,` },
    };
    const collected = collectTrustedKeys(sources);
    expect(collected.refused).toEqual([]);
    expect(collected.keys.map((k) => [k.keyId, k.source])).toEqual([
      [a.keyId, path.join(dir, 'a.pub')],
      [b.keyId, path.join(dir, 'b.pub')],
    ]);
    expect(loadTrustedKeys(sources).map((k) => [k.keyId, k.source])).toEqual([
      [a.keyId, path.join(dir, 'a.pub')],
      [b.keyId, path.join(dir, 'b.pub')],
    ]);
  });
});

describe('verifySignedCatalog', () => {
  const trustedKeys = [demoTrustedKey()];

  it('accepts the shipped signed default catalog, which matches default-catalog.json', () => {
    const doc = JSON.parse(readFileSync(defaultSignedCatalogFile, 'utf8')) as { catalog: unknown };
    expect(doc.catalog).toEqual(defaultCatalog());
    const r = verifySignedCatalog(doc, { trustedKeys, now: NOW });
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.value.catalog.version).toBe(1);
  });

  it('survives re-serialization (key order, whitespace) because the signature covers canonical JSON', () => {
    const signed = signedVersion(2);
    const reordered = JSON.parse(
      JSON.stringify({ signature: signed.signature, catalog: signed.catalog }, null, 4),
    );
    expect(verifySignedCatalog(reordered, { trustedKeys, now: NOW }).ok).toBe(true);
  });

  it('tampering with one byte of the content is a bad signature', () => {
    const signed = signedVersion(2);
    const text = JSON.stringify(signed).replace('"fee":{"amount":15', '"fee":{"amount":16');
    expect(text).not.toBe(JSON.stringify(signed));
    const r = verifySignedCatalog(JSON.parse(text), { trustedKeys, now: NOW });
    expect(r).toMatchObject({ ok: false, error: { code: 'bad-signature', version: 2 } });
    const bytes = Buffer.from(signed.signature.value, 'base64');
    bytes[10] = (bytes[10] ?? 0) ^ 1;
    const flipped = { ...signed, signature: { ...signed.signature, value: bytes.toString('base64') } };
    expect(verifySignedCatalog(flipped, { trustedKeys, now: NOW })).toMatchObject({
      ok: false,
      error: { code: 'bad-signature' },
    });
  });

  it('checks the signature before the schema: forged nonsense is a bad signature, signed nonsense a schema error', () => {
    const signed = signedVersion(2);
    // Content the schema refuses (services is not a list), under the signature of other content: forged.
    const forged = { ...signed, catalog: { ...(signed.catalog as object), services: 'everything' } };
    expect(verifySignedCatalog(forged, { trustedKeys, now: NOW })).toMatchObject({
      ok: false,
      error: { code: 'bad-signature' },
    });
    // The same content signed by a trusted key gets as far as the schema.
    const key = newKey();
    const resigned = signCatalog(forged.catalog, key.privateKey);
    expect(
      verifySignedCatalog(resigned, { trustedKeys: [...trustedKeys, key.trusted], now: NOW }),
    ).toMatchObject({ ok: false, error: { code: 'schema' } });
  });

  it('a key the kiosk does not trust is unknown-key; claiming a trusted key id is a bad signature', () => {
    const other = newKey();
    const signed = signedVersion(2, {}, other.privateKey);
    expect(verifySignedCatalog(signed, { trustedKeys, now: NOW })).toMatchObject({
      ok: false,
      error: { code: 'unknown-key' },
    });
    const impostor = { ...signed, signature: { ...signed.signature, keyId: demoTrustedKey().keyId } };
    expect(verifySignedCatalog(impostor, { trustedKeys, now: NOW })).toMatchObject({
      ok: false,
      error: { code: 'bad-signature' },
    });
  });

  it('expired and not-yet-valid catalogs are refused (with 5 minutes of clock tolerance)', () => {
    const signed = signedVersion(2, { issuedAt: '2027-01-01T00:00:00Z', expiresAt: '2027-02-01T00:00:00Z' });
    const at = (iso: string): number => Date.parse(iso);
    expect(verifySignedCatalog(signed, { trustedKeys, now: at('2027-02-01T00:10:00Z') })).toMatchObject({
      ok: false,
      error: { code: 'expired' },
    });
    expect(verifySignedCatalog(signed, { trustedKeys, now: at('2026-12-31T23:00:00Z') })).toMatchObject({
      ok: false,
      error: { code: 'not-yet-valid' },
    });
    expect(verifySignedCatalog(signed, { trustedKeys, now: at('2026-12-31T23:58:00Z') }).ok).toBe(true);
    expect(
      verifySignedCatalog(signed, { trustedKeys, now: at('2027-02-01T00:00:00Z'), clockSkewMs: 0 }),
    ).toMatchObject({ ok: false, error: { code: 'expired' } });
  });

  it('a version not newer than the applied one is a rollback', () => {
    expect(verifySignedCatalog(signedVersion(5), { trustedKeys, now: NOW, appliedVersion: 5 })).toMatchObject(
      { ok: false, error: { code: 'rollback', version: 5 } },
    );
    expect(verifySignedCatalog(signedVersion(4), { trustedKeys, now: NOW, appliedVersion: 5 })).toMatchObject(
      { ok: false, error: { code: 'rollback' } },
    );
    expect(verifySignedCatalog(signedVersion(6), { trustedKeys, now: NOW, appliedVersion: 5 }).ok).toBe(true);
  });

  it('key rotation: old and new keys both verify while both are trusted; a removed key is refused', () => {
    const oldKey = newKey();
    const freshKey = newKey();
    const both = [oldKey.trusted, freshKey.trusted];
    const byOld = signedVersion(2, {}, oldKey.privateKey);
    const byNew = signedVersion(3, {}, freshKey.privateKey);
    expect(verifySignedCatalog(byOld, { trustedKeys: both, now: NOW }).ok).toBe(true);
    expect(verifySignedCatalog(byNew, { trustedKeys: both, now: NOW }).ok).toBe(true);
    expect(verifySignedCatalog(byOld, { trustedKeys: [freshKey.trusted], now: NOW })).toMatchObject({
      ok: false,
      error: { code: 'unknown-key' },
    });
    expect(verifySignedCatalog(byNew, { trustedKeys: [freshKey.trusted], now: NOW }).ok).toBe(true);
  });

  it('unsigned documents: a bare catalog, or a signature of null', () => {
    expect(verifySignedCatalog(defaultCatalog(), { trustedKeys, now: NOW })).toMatchObject({
      ok: false,
      error: { code: 'unsigned', version: 1 },
    });
    expect(
      verifySignedCatalog({ catalog: defaultCatalog(), signature: null }, { trustedKeys, now: NOW }),
    ).toMatchObject({ ok: false, error: { code: 'unsigned' } });
  });

  it('malformed documents', () => {
    const signed = signedVersion(2);
    const cases: unknown[] = [
      null,
      'text',
      [signed],
      { ...signed, signature: { ...signed.signature, alg: 'RS256' } },
      { ...signed, signature: { ...signed.signature, value: 'not base64!' } },
      // Base64 decoders skip stray characters: a signature with junk before it must not pass as the signature.
      { ...signed, signature: { ...signed.signature, value: `!${signed.signature.value}` } },
      { ...signed, catalog: [1, 2] },
      { ...signed, extra: true },
    ];
    for (const doc of cases) {
      expect(
        verifySignedCatalog(doc, { trustedKeys, now: NOW }),
        JSON.stringify(doc).slice(0, 60),
      ).toMatchObject({ ok: false, error: { code: 'malformed' } });
    }
  });

  it('a validly signed catalog that breaks the schema is refused with paths', () => {
    const broken = { ...defaultCatalog(), version: 2 } as Record<string, unknown>;
    (broken.services as { category: string }[])[4]!.category = 'nowhere';
    const signed = signCatalog(broken, demoPrivateKey());
    const r = verifySignedCatalog(signed, { trustedKeys, now: NOW });
    expect(r).toMatchObject({ ok: false, error: { code: 'schema', version: 2 } });
    if (!r.ok)
      expect(r.error.errors).toContainEqual({
        path: 'services[4].category',
        message: 'unknown category "nowhere"',
      });
  });
});

describe('verifySignedCatalog tells the operator what it decided and why', () => {
  const trustedKeys = [demoTrustedKey()];
  const kiosk = { kioskId: 'SZ-FT-0012', kioskGroups: [] as string[] };

  it('names the reason in words for each refusal', () => {
    const other = newKey();
    const byOther = signedVersion(2, {}, other.privateKey);
    const signed = signedVersion(2);
    const forged = { ...signed, catalog: { ...(signed.catalog as object), version: 3 } };
    const dated = signedVersion(2, { issuedAt: '2027-01-01T00:00:00Z', expiresAt: '2027-02-01T00:00:00Z' });
    const forOthers = signCatalog(
      { ...defaultCatalog(), version: 2, audience: { kioskIds: ['SZ-FT-0001'] } },
      demoPrivateKey(),
    );
    const cases: [unknown, object, string][] = [
      [null, {}, 'the document is not a JSON object'],
      [defaultCatalog(), {}, 'the document carries no signature'],
      [{ catalog: defaultCatalog() }, {}, 'the document carries no signature'],
      [
        { ...signed, signature: { ...signed.signature, value: 'not base64!' } },
        {},
        'bad signed-catalog envelope at signature.value: must be base64',
      ],
      [byOther, {}, `signed with key ${other.trusted.keyId}, which this kiosk does not trust`],
      [forged, {}, `the signature does not match the content (key ${demoTrustedKey().keyId})`],
      [dated, { now: Date.parse('2026-12-01T00:00:00Z') }, 'catalog 2 is valid from 2027-01-01T00:00:00Z'],
      [dated, { now: Date.parse('2027-03-01T00:00:00Z') }, 'catalog 2 expired at 2027-02-01T00:00:00Z'],
      [forOthers, { kiosk }, 'catalog 2 is addressed to other kiosks (kiosk SZ-FT-0012, groups none)'],
      [
        forOthers,
        { kiosk: { kioskId: 'SZ-FT-0012', kioskGroups: ['north', 'south'] } },
        'catalog 2 is addressed to other kiosks (kiosk SZ-FT-0012, groups north,south)',
      ],
      [signed, { appliedVersion: 2 }, 'catalog 2 is not newer than the applied 2'],
    ];
    for (const [doc, options, message] of cases)
      expect(verifySignedCatalog(doc, { trustedKeys, now: NOW, ...options })).toMatchObject({
        ok: false,
        error: { message },
      });
  });

  it('reports the version of an unsigned document only when it is a whole number', () => {
    const unsigned = (catalog: unknown): unknown => {
      const r = verifySignedCatalog({ catalog, signature: null }, { trustedKeys, now: NOW });
      expect(r.ok).toBe(false);
      return r.ok ? null : r.error;
    };
    expect(unsigned({ version: 7 })).toMatchObject({ code: 'unsigned', version: 7 });
    for (const odd of [{ version: 7.5 }, { version: '7' }, null, 'text'])
      expect(unsigned(odd)).not.toHaveProperty('version');
  });

  it('sums up schema errors: the first one with its path, and how many more', () => {
    const key = newKey();
    const broken = signCatalog(
      { ...defaultCatalog(), version: 2, locales: 'all', services: 'none' },
      key.privateKey,
    );
    const r = verifySignedCatalog(broken, { trustedKeys: [...trustedKeys, key.trusted], now: NOW });
    expect(r).toMatchObject({ ok: false, error: { code: 'schema' } });
    if (r.ok) return;
    const errors = r.error.errors ?? [];
    expect(errors.length).toBeGreaterThan(1);
    expect(r.error.message).toMatch(new RegExp(`^schema: \\S+: .+ \\(\\+${errors.length - 1} more\\)$`));
    const oneError = signCatalog({ ...defaultCatalog(), version: 2, services: 'none' }, key.privateKey);
    const one = verifySignedCatalog(oneError, { trustedKeys: [...trustedKeys, key.trusted], now: NOW });
    expect(one).toMatchObject({ ok: false, error: { code: 'schema' } });
    const only = one.ok ? [] : (one.error.errors ?? []);
    expect(only).toHaveLength(1);
    // One error: the message is that error and nothing more.
    if (!one.ok) expect(one.error.message).toBe(`schema: ${only[0]?.path}: ${only[0]?.message}`);
  });

  it('accepts a catalog up to the clock tolerance on either side of its validity, and ignores dates when told', () => {
    const dated = signedVersion(2, { issuedAt: '2027-01-01T00:00:00Z', expiresAt: '2027-02-01T00:00:00Z' });
    const skew = 5 * 60_000;
    const at = (iso: string, delta = 0): number => Date.parse(iso) + delta;
    expect(verifySignedCatalog(dated, { trustedKeys, now: at('2027-01-01T00:00:00Z', -skew) }).ok).toBe(true);
    expect(verifySignedCatalog(dated, { trustedKeys, now: at('2027-02-01T00:00:00Z', skew - 1) }).ok).toBe(
      true,
    );
    expect(verifySignedCatalog(dated, { trustedKeys, now: at('2027-02-01T00:00:00Z', skew) })).toMatchObject({
      ok: false,
      error: { code: 'expired' },
    });
    expect(
      verifySignedCatalog(dated, { trustedKeys, now: at('2030-01-01T00:00:00Z'), skipTimeCheck: true }).ok,
    ).toBe(true);
  });

  it('on success, hands back the checked catalog, the key that signed it and the document to store', () => {
    const signed = signedVersion(4);
    const r = verifySignedCatalog(signed, { trustedKeys, now: NOW, appliedVersion: null });
    expect(r).toMatchObject({
      ok: true,
      value: {
        catalog: { version: 4 },
        keyId: demoTrustedKey().keyId,
        signed: { catalog: signed.catalog, signature: signed.signature },
      },
    });
  });

  it('a catalog for this kiosk by id, or by one of its groups, is accepted', () => {
    const to = (audience: object): unknown =>
      verifySignedCatalog(signCatalog({ ...defaultCatalog(), version: 2, audience }, demoPrivateKey()), {
        trustedKeys,
        now: NOW,
        kiosk: { kioskId: 'SZ-FT-0012', kioskGroups: ['north', 'hk-macao-zone'] },
      });
    expect(to({ kioskIds: ['SZ-FT-0001', 'SZ-FT-0012'] })).toMatchObject({ ok: true });
    expect(to({ kioskGroups: ['hk-macao-zone'] })).toMatchObject({ ok: true });
    expect(to({ kioskGroups: ['south'] })).toMatchObject({ ok: false, error: { code: 'audience' } });
    expect(to({ kioskIds: ['SZ-FT-0001'], kioskGroups: ['south'] })).toMatchObject({ ok: false });
  });
});

describe('trusted key files must be safely owned', () => {
  const policy = { allowedUids: [0, 1000] };

  it('says why a key file may not be trusted', () => {
    expect(keyFileUnsafeReason({ uid: 1000, mode: 0o100644 }, policy)).toBeNull();
    expect(keyFileUnsafeReason({ uid: 0, mode: 0o100600 }, policy)).toBeNull();
    expect(keyFileUnsafeReason({ uid: 1001, mode: 0o100644 }, policy)).toMatch(/owned by uid 1001/);
    expect(keyFileUnsafeReason({ uid: 1000, mode: 0o100664 }, policy)).toMatch(/writable by its group/);
    expect(keyFileUnsafeReason({ uid: 0, mode: 0o100646 }, policy)).toMatch(/writable by others/);
    expect(keyFileUnsafeReason({ uid: 1001, mode: 0o100666 }, false)).toBeNull();
  });

  it('leaves out a writable-by-others key file and keeps the rest, saying which and why', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'catalog-keys-'));
    const good = generateCatalogKeyPair();
    const bad = generateCatalogKeyPair();
    writeFileSync(path.join(dir, 'good.pub'), good.publicKeyPem, { mode: 0o644 });
    writeFileSync(path.join(dir, 'bad.pub'), bad.publicKeyPem);
    chmodSync(path.join(dir, 'bad.pub'), 0o666);
    const { keys, refused } = collectTrustedKeys({ shippedDir: dir });
    expect(keys.map((k) => k.keyId)).toEqual([good.keyId]);
    expect(refused).toEqual([
      { file: path.join(dir, 'bad.pub'), reason: expect.stringMatching(/writable by others/) as unknown },
    ]);
    expect(() => loadTrustedKeys({ shippedDir: dir })).toThrow(/bad\.pub.*writable by others/);
  });
});

describe('catalog audience', () => {
  const kiosk = { kioskId: 'SZ-FT-0012', kioskGroups: ['hk-macao-zone'] };

  it('is enforced when the verifier knows the kiosk', () => {
    const trustedKeys = [demoTrustedKey()];
    const forOthers = signCatalog(
      { ...defaultCatalog(), version: 2, audience: { kioskIds: ['SZ-FT-0001'] } },
      demoPrivateKey(),
    );
    expect(verifySignedCatalog(forOthers, { trustedKeys, now: NOW, kiosk })).toMatchObject({
      ok: false,
      error: { code: 'audience' },
    });
    // Tools away from any kiosk (no `kiosk`) do not judge the audience.
    expect(verifySignedCatalog(forOthers, { trustedKeys, now: NOW })).toMatchObject({ ok: true });
    expect(verifySignedCatalog(signedVersion(2), { trustedKeys, now: NOW, kiosk })).toMatchObject({
      ok: true,
    });
  });

  it('is covered by the signature: widening it breaks the signature', () => {
    const signed = signCatalog(
      { ...defaultCatalog(), version: 2, audience: { kioskIds: ['SZ-FT-0001'] } },
      demoPrivateKey(),
    );
    const widened = {
      ...signed,
      catalog: { ...(signed.catalog as object), audience: { kioskIds: ['SZ-FT-0001', 'SZ-FT-0012'] } },
    };
    expect(verifySignedCatalog(widened, { trustedKeys: [demoTrustedKey()], now: NOW, kiosk })).toMatchObject({
      ok: false,
      error: { code: 'bad-signature' },
    });
  });

  it('must name someone', () => {
    expect(addressedTo({ kioskIds: [], kioskGroups: [] }, kiosk)).toBe(false);
    const empty = signCatalog({ ...defaultCatalog(), version: 2, audience: {} }, demoPrivateKey());
    expect(verifySignedCatalog(empty, { trustedKeys: [demoTrustedKey()], now: NOW })).toMatchObject({
      ok: false,
      error: { code: 'schema' },
    });
  });
});
