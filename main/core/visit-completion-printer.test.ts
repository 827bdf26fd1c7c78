import { describe, expect, it } from 'vitest';
import type { PrintJobResult } from '../../drivers/printer/printer.js';
import type { PrinterProfile } from '../../drivers/printer/profile.js';
import { PROFILE_58MM } from '../../drivers/printer/profile.js';
import type { TransactionService } from '../services/transactions/transactions.js';
import type { ReceiptPrinter } from './visit-completion.js';
import { createVisitCompletion } from './visit-completion.js';

const transactions = {
  complete: async () => ({
    id: 't1',
    number: 'JW-20261129-000001',
    urgent: false,
    completedAt: Date.parse('2026-11-29T10:00:00+08:00'),
    progressKey: 'k'.repeat(22),
  }),
} as unknown as TransactionService;

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** Completes a visit with no card and no services against a printer answering `result`. */
async function complete(
  result: PrintJobResult,
  profile?: PrinterProfile,
): Promise<{ receipt: unknown; jobs: Uint8Array[] }> {
  const jobs: Uint8Array[] = [];
  const printer: ReceiptPrinter = {
    print: async (bytes) => {
      jobs.push(bytes);
      return result;
    },
    ...(profile ? { profile } : {}),
  };
  const run = createVisitCompletion({
    transactions,
    printer,
    catalogVersion: () => 1,
    demonstration: () => false,
    kioskId: 'K-1',
    kioskName: { 'zh-CN': '一号机', 'zh-HK': '一號機', en: 'Kiosk 1' },
    progressBaseUrl: 'https://central.example.invalid',
    log: quiet,
  });
  const r = await run({ locale: 'zh-CN', card: null, faceCheck: 'not-needed', services: [] });
  if (!r.ok) throw new Error(r.error.code);
  return { receipt: r.value.receipt, jobs };
}

describe('visit completion: the receipt outcome as the printer reported it', () => {
  it.each([
    [
      { ok: true, value: undefined },
      { outcome: 'printed', reason: null },
    ],
    [
      { ok: false, error: { kind: 'failed', code: 'paper-end' } },
      { outcome: 'failed', reason: 'paper-end' },
    ],
    [
      { ok: false, error: { kind: 'unknown', code: 'connection-lost' } },
      { outcome: 'unknown', reason: 'connection-lost' },
    ],
    [
      { ok: false, error: { kind: 'unknown', code: 'not-confirmed' } },
      { outcome: 'unknown', reason: 'not-confirmed' },
    ],
    [
      { ok: false, error: { kind: 'unknown', code: 'timeout' } },
      { outcome: 'unknown', reason: 'timeout' },
    ],
  ] as const)('%j → %j', async (result, shown) => {
    expect((await complete(result)).receipt).toEqual(shown);
  });

  it("lays the receipt out for the printer's profile (paper width and code page)", async () => {
    const dashes = (n: number): string => `${'-'.repeat(n)}\n`;
    const narrow = Buffer.from(
      (await complete({ ok: true, value: undefined }, PROFILE_58MM)).jobs[0]!,
    ).toString('latin1');
    expect(narrow).toContain(dashes(32));
    expect(narrow).not.toContain(dashes(33));
    const wide = Buffer.from((await complete({ ok: true, value: undefined })).jobs[0]!).toString('latin1');
    expect(wide).toContain(dashes(48));
    const ascii = (await complete({ ok: true, value: undefined }, { ...PROFILE_58MM, codePage: 'ascii' }))
      .jobs[0]!;
    expect([...ascii.subarray(0, 4)]).toEqual([0x1b, 0x40, 0x1c, 0x2e]);
  });
});
