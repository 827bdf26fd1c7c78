import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { defaultCatalog, resourcesRoot } from '../../test/fixtures/catalog/helpers.js';
import type { Catalog } from './schema.js';
import { catalogJsonSchema, fieldPatternRegExp, formatCatalogPath, validateCatalog } from './schema.js';

/** Applies a mutation to a copy of the default catalog and returns the validation errors. */
function errorsAfter(mutate: (c: Catalog) => void): { path: string; message: string }[] {
  const c = defaultCatalog();
  mutate(c);
  const result = validateCatalog(c);
  if (result.ok) throw new Error('expected the catalog to be invalid');
  return [...result.error.errors];
}

function serviceIndex(c: Catalog, id: string): number {
  const i = c.services.findIndex((s) => s.id === id);
  if (i < 0) throw new Error(`no service ${id}`);
  return i;
}

describe('default catalog', () => {
  it('passes the schema and covers what the kiosk needs', () => {
    const result = validateCatalog(defaultCatalog());
    if (!result.ok) throw new Error(JSON.stringify(result.error.errors.slice(0, 5)));
    const c = result.value;
    expect(c.demonstration).toBe(true);
    expect(c.publisher).toBe('演示数据 / Demonstration data');
    expect(c.services.length).toBeGreaterThanOrEqual(16);
    const categories = new Set(c.services.map((s) => s.category));
    for (const id of ['household', 'exit-entry', 'traffic', 'mailbox', 'help'])
      expect(categories).toContain(id);
    const mailbox = c.services.find((s) => s.id === 'chief-mailbox');
    expect(mailbox?.promises.map((p) => [p.kind, p.withinMinutes])).toEqual([
      ['signed', 10],
      ['answered', 30],
      ['first-feedback', 48 * 60],
    ]);
    const kinds = mailbox?.form.fields.find((f) => f.id === 'letterKind')?.options?.map((o) => o.value);
    expect(kinds).toEqual(['consultation', 'help', 'complaint', 'suggestion']);
    const missing = c.services.find((s) => s.id === 'missing-person');
    expect(missing?.urgent).toBe(true);
    expect(missing?.identity).toBe('id-card');
    const zone = c.services.filter((s) => s.availability.kioskGroups?.includes('hk-macao-zone'));
    expect(zone.length).toBeGreaterThanOrEqual(2);
    for (const s of zone) expect(s.eligibleCardTypes).toContain('hmt-permit');
    expect(c.notices.some((n) => n.severity === 'critical')).toBe(true);
  });
});

describe('validateCatalog reports each mistake with its path', () => {
  it('missing translation', () => {
    const errors = errorsAfter((c) => {
      const field = c.services[3]?.form.fields[0];
      if (field) delete (field.label as Partial<Catalog['services'][0]['name']>).en;
    });
    expect(errors).toContainEqual({
      path: 'services[3].form.fields[0].label.en',
      message: 'missing translation',
    });
  });

  it('empty translation', () => {
    const errors = errorsAfter((c) => {
      const s = c.services[0];
      if (s) s.name['zh-HK'] = '  ';
    });
    expect(errors).toContainEqual({ path: 'services[0].name.zh-HK', message: 'empty translation' });
  });

  it('unknown category', () => {
    const errors = errorsAfter((c) => {
      const s = c.services[2];
      if (s) s.category = 'weather';
    });
    expect(errors).toContainEqual({ path: 'services[2].category', message: 'unknown category "weather"' });
  });

  it('duplicate ids (services, categories, fields)', () => {
    const errors = errorsAfter((c) => {
      const [a, b] = c.services;
      if (a && b) b.id = a.id;
      const [x, y] = c.categories;
      if (x && y) y.id = x.id;
      const f = c.services[0]?.form.fields;
      if (f?.[0] && f[1]) f[1].id = f[0].id;
    });
    const paths = errors.map((e) => e.path);
    expect(paths).toContain('services[1].id');
    expect(paths).toContain('categories[1].id');
    expect(paths).toContain('services[0].form.fields[1].id');
    expect(errors.find((e) => e.path === 'services[1].id')?.message).toMatch(/duplicate service id/);
  });

  it('bad regex', () => {
    const errors = errorsAfter((c) => {
      const f = c.services[0]?.form.fields[0];
      if (f) f.validation = { pattern: '([a-z' };
    });
    const e = errors.find((x) => x.path === 'services[0].form.fields[0].validation.pattern');
    expect(e?.message).toMatch(/^pattern does not compile/);
  });

  it('select without options', () => {
    const errors = errorsAfter((c) => {
      const i = serviceIndex(c, 'chief-mailbox');
      const f = c.services[i]?.form.fields.find((x) => x.id === 'letterKind');
      if (f) delete f.options;
    });
    const mailbox = serviceIndex(defaultCatalog(), 'chief-mailbox');
    const fieldIndex = defaultCatalog().services[mailbox]?.form.fields.findIndex(
      (x) => x.id === 'letterKind',
    );
    expect(errors).toContainEqual({
      path: `services[${mailbox}].form.fields[${fieldIndex}].options`,
      message: 'a select field needs options',
    });
  });

  it('prefill on a service without identity', () => {
    const errors = errorsAfter((c) => {
      const s = c.services[0];
      if (s) s.identity = 'none';
    });
    expect(errors.find((e) => e.path === 'services[0].form.fields[0].prefill')?.message).toMatch(
      /prefill needs/,
    );
  });

  it('card expiry policy: only the two known values, only on services that read the card', () => {
    const unknown = errorsAfter((c) => {
      const s = c.services[0];
      if (s) (s as { cardExpiry?: string }).cardExpiry = 'ignore';
    });
    expect(unknown.map((e) => e.path)).toContain('services[0].cardExpiry');
    const noCard = errorsAfter((c) => {
      const s = c.services[serviceIndex(c, 'chief-mailbox')];
      if (s) {
        s.identity = 'none';
        s.eligibleCardTypes = [];
        for (const f of s.form.fields) delete f.prefill;
      }
    });
    expect(noCard).toContainEqual({
      path: `services[${serviceIndex(defaultCatalog(), 'chief-mailbox')}].cardExpiry`,
      message: 'cardExpiry needs a service that reads the ID card (identity is "none")',
    });
    const c = defaultCatalog();
    const result = validateCatalog(c);
    expect(result.ok && result.value.services.find((s) => s.id === 'missing-person')?.cardExpiry).toBe(
      'accept-with-notice',
    );
    // Absent means refuse (the kiosk's default): most services say nothing.
    expect(
      result.ok && result.value.services.find((s) => s.id === 'violation-query')?.cardExpiry,
    ).toBeUndefined();
  });

  it('certificate photo: a valid spec, only on services that read the card', () => {
    const c = defaultCatalog();
    const result = validateCatalog(c);
    const permit = result.ok
      ? result.value.services.find((s) => s.id === 'hk-macao-permit-application')
      : undefined;
    expect(permit?.certificatePhoto?.spec).toMatchObject({ width: 358, height: 441 });
    const at = serviceIndex(c, 'hk-macao-permit-application');
    const badSpec = errorsAfter((cat) => {
      const spec = cat.services[at]?.certificatePhoto?.spec;
      if (spec) (spec as { headHeight: { min: number; max: number } }).headHeight = { min: 0.8, max: 0.6 };
    });
    expect(badSpec.map((e) => e.path).join()).toContain(`services[${at}].certificatePhoto.spec`);
    const noCard = errorsAfter((cat) => {
      const s = cat.services[at];
      if (s) {
        s.identity = 'none';
        s.eligibleCardTypes = [];
        for (const f of s.form.fields) delete f.prefill;
      }
    });
    expect(noCard).toContainEqual({
      path: `services[${at}].certificatePhoto`,
      message: 'certificatePhoto needs a service that reads the ID card (identity is "none")',
    });
  });

  it('identity service without eligible card types', () => {
    const errors = errorsAfter((c) => {
      const s = c.services[0];
      if (s) s.eligibleCardTypes = [];
    });
    expect(errors.map((e) => e.path)).toContain('services[0].eligibleCardTypes');
  });

  it('unknown kiosk group', () => {
    const errors = errorsAfter((c) => {
      const s = c.services[0];
      if (s) s.availability = { kioskGroups: ['airport'] };
    });
    expect(errors).toContainEqual({
      path: 'services[0].availability.kioskGroups[0]',
      message: 'unknown kiosk group "airport"',
    });
  });

  it('expiresAt not after issuedAt', () => {
    const errors = errorsAfter((c) => {
      c.expiresAt = c.issuedAt;
    });
    expect(errors).toContainEqual({ path: 'expiresAt', message: 'expiresAt must be after issuedAt' });
  });

  it('certificate output without template, and unknown keys', () => {
    const errors = errorsAfter((c) => {
      const s = c.services[0];
      if (s) delete s.certificateTemplate;
      (c.services[1] as unknown as Record<string, unknown>).colour = 'red';
    });
    expect(errors.map((e) => e.path)).toContain('services[0].certificateTemplate');
    expect(errors).toContainEqual({ path: 'services[1]', message: 'unknown key(s): colour' });
  });

  it('opening hours that end before they start', () => {
    const errors = errorsAfter((c) => {
      const s = c.services[0];
      if (s) s.availability = { hours: [{ days: [1], from: '18:00', to: '09:00' }] };
    });
    expect(errors.map((e) => e.path)).toEqual(['services[0].availability.hours[0].to']);
  });

  it('wrong types are reported first (cross-field rules run once the structure is right)', () => {
    const errors = errorsAfter((c) => {
      (c as unknown as Record<string, unknown>).version = 'two';
      const s = c.services[0];
      if (s) s.category = 'weather';
    });
    expect(errors.map((e) => e.path)).toEqual(['version']);
  });

  it('rejects values that are not catalogs at all', () => {
    for (const value of [null, 42, 'catalog', []]) {
      const r = validateCatalog(value);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.errors[0]?.path).toBe('(root)');
    }
  });
});

describe('helpers', () => {
  it('formats paths in bracket/dot style', () => {
    expect(formatCatalogPath(['services', 3, 'form', 'fields', 0, 'label', 'en'])).toBe(
      'services[3].form.fields[0].label.en',
    );
    expect(formatCatalogPath([])).toBe('(root)');
  });

  it('anchors field patterns to the whole value', () => {
    const re = fieldPatternRegExp('1[3-9]\\d{9}|[2-9]\\d{7}');
    expect(re.test('13812345678')).toBe(true);
    expect(re.test('21234567')).toBe(true);
    expect(re.test('x13812345678')).toBe(false);
    expect(re.test('138123456789')).toBe(false);
  });
});

describe('JSON Schema for authors', () => {
  const file = path.join(resourcesRoot, 'catalog/catalog.schema.json');

  it('resources/catalog/catalog.schema.json is current (regenerate: booth catalog schema --out FILE)', () => {
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(catalogJsonSchema());
  });

  it('accepts the default catalog and rejects a structural mistake', () => {
    // ajv-formats is CommonJS; its default export arrives wrapped under ESM.
    const wrapped = addFormatsModule as unknown as { default?: unknown };
    const addFormats = (wrapped.default ?? addFormatsModule) as (ajv: Ajv2020) => Ajv2020;
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats(ajv);
    const check = ajv.compile(JSON.parse(readFileSync(file, 'utf8')) as object);
    expect(check(defaultCatalog())).toBe(true);
    const broken = defaultCatalog() as unknown as { services: { identity: string }[] };
    if (broken.services[0]) broken.services[0].identity = 'fingerprint';
    expect(check(broken)).toBe(false);
    expect(check.errors?.some((e) => e.instancePath === '/services/0/identity')).toBe(true);
  });
});
