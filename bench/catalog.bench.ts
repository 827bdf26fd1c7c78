/**
 * Catalog update cost on the kiosk for a large (500-service) catalog: schema validation, signature
 * verification (canonical JSON + Ed25519 + schema + dates), and a whole offer→apply through the file store.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CatalogService } from '../main/services/catalog/catalog-service.js';
import { FileCatalogStore, MemoryCatalogStore } from '../main/services/catalog/catalog-store.js';
import type { Catalog } from '../contract/catalog/schema.js';
import { validateCatalog } from '../contract/catalog/schema.js';
import {
  canonicalJsonBytes,
  keyIdOf,
  signCatalog,
  verifySignedCatalog,
} from '../contract/catalog/signing.js';
import type { Benchmark, Figure } from './harness.js';
import { median, percentile } from './harness.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The default catalog's services repeated (with unique ids) up to `services`, as one large catalog. */
export function bigCatalog(services: number, version: number): Catalog {
  const base = JSON.parse(
    readFileSync(path.join(root, 'resources/catalog/default-catalog.json'), 'utf8'),
  ) as Catalog;
  const templates = base.services;
  const out: Catalog['services'] = [];
  for (let i = 0; i < services; i++) {
    const t = structuredClone(templates[i % templates.length] as Catalog['services'][number]);
    t.id = `${t.id}-${i}`;
    t.order = i;
    out.push(t);
  }
  return { ...base, version, services: out };
}

function timeMs(fn: () => void): number {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

async function timeMsAsync(fn: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** The benchmarks of this file. */
export const benchmarks: Benchmark[] = [
  {
    name: 'catalog 500 services',
    async run(): Promise<Figure[]> {
      const runs = 20;
      const { publicKey, privateKey } = generateKeyPairSync('ed25519');
      const trustedKeys = [{ keyId: keyIdOf(publicKey), publicKey, source: 'bench' }];
      const catalog = bigCatalog(500, 2);
      const signed = signCatalog(catalog, privateKey);
      const bytes = Buffer.byteLength(JSON.stringify(signed));
      const now = Date.parse('2027-06-01T00:00:00Z');

      const validate: number[] = [];
      const canonical: number[] = [];
      const verify: number[] = [];
      for (let i = 0; i < runs; i++) {
        validate.push(
          timeMs(() => {
            if (!validateCatalog(catalog).ok) throw new Error('generated catalog is invalid');
          }),
        );
        canonical.push(timeMs(() => canonicalJsonBytes(signed.catalog)));
        verify.push(
          timeMs(() => {
            if (!verifySignedCatalog(signed, { trustedKeys, now }).ok)
              throw new Error('generated catalog does not verify');
          }),
        );
      }

      const applyMemory: number[] = [];
      const applyFile: number[] = [];
      const dir = mkdtempSync(path.join(os.tmpdir(), 'catalog-bench-'));
      try {
        for (let i = 0; i < runs; i++) {
          const doc = signCatalog({ ...catalog, version: 10 + i }, privateKey);
          for (const [store, into] of [
            [new MemoryCatalogStore(), applyMemory],
            [new FileCatalogStore(path.join(dir, String(i))), applyFile],
          ] as const) {
            const service = new CatalogService({
              store,
              trustedKeys,
              isVisitInProgress: () => false,
              now: () => now,
            });
            await service.init();
            into.push(
              await timeMsAsync(async () => {
                const r = await service.offer(doc, 'central');
                if (!r.ok || r.value.outcome !== 'applied')
                  throw new Error(`not applied: ${JSON.stringify(r)}`);
              }),
            );
          }
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }

      return [
        { name: 'signed document size', value: Math.round(bytes / 1024), unit: 'KiB' },
        { name: 'validate (zod schema + cross-field rules), median', value: median(validate), unit: 'ms' },
        { name: 'canonical JSON (RFC 8785), median', value: median(canonical), unit: 'ms' },
        { name: 'verify (canonical + Ed25519 + schema + dates), median', value: median(verify), unit: 'ms' },
        { name: 'verify, p95', value: percentile(verify, 95), unit: 'ms' },
        { name: 'offer → apply, memory store, median', value: median(applyMemory), unit: 'ms' },
        {
          name: 'offer → apply, file store (2 fsynced atomic writes), median',
          value: median(applyFile),
          unit: 'ms',
          target: '< 1000 ms (between two visits)',
          met: median(applyFile) < 1000,
        },
      ];
    },
  },
];
