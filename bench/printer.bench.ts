/**
 * Receipt printer throughput: typical receipts (3 services, QR code, 80 mm) encoded to ESC/POS per second, the
 * simulator's parse speed, and the PNG preview time. Encoding sits on the kiosk's "finish visit" path, so it
 * must be negligible next to the printer's own ≈ 1–3 s of paper feed.
 *
 * `printer-confirm`: how soon after the last byte the facade decides a receipt is printed, against the
 * physical print time estimated from the job, with the simulator printing at its modelled speed (80 mm,
 * 150 mm/s); for status (DLE EOT) and GS r confirmation. Target ≤ 1.3× the estimate.
 */
import { PROFILE_80MM } from '../drivers/printer/encoder.js';
import type { PrintJobReport } from '../drivers/printer/printer.js';
import type { PrintConfirmation } from '../drivers/printer/profile.js';
import { createSimulatedPrinter } from '../drivers/printer/simulator.js';
import { renderPaper } from '../drivers/printer/render.js';
import { PrinterSimulator } from '../drivers/printer/simulator.js';
import type { ReceiptData } from '../domain/documents/receipt-data.js';
import { receiptDataSchema } from '../domain/documents/receipt-data.js';
import { encodeReceipt } from '../main/services/documents/receipt-escpos.js';
import type { Benchmark, Figure } from './harness.js';
import { median } from './harness.js';

const receipt: ReceiptData = receiptDataSchema.parse({
  locale: 'zh-CN',
  kioskId: 'SZ-FT-0012',
  kioskName: '福田派出所 自助警务舱',
  transactionNumber: 'JW-20261129-000123',
  completedAt: '2026-11-29T10:24:00+08:00',
  citizen: { name: '张三', idNumberMasked: '4403**********123X' },
  services: [
    {
      id: 'driver-licence-replacement',
      name: '驾驶证补领',
      status: '已受理',
      promise: '3 个工作日内寄出',
      fee: 10,
    },
    {
      id: 'household-certificate',
      name: '户籍证明开具',
      status: '已办结',
      reference: 'HJZM-2026-440304-000123',
    },
    {
      id: 'chief-mailbox',
      name: '局长信箱来信',
      status: '已提交',
      promise: '10 分钟内签收',
      reference: 'XX-20261129-0042',
    },
  ],
  progressUrl: 'https://booth.example.gov.cn/p/JW-20261129-000123',
  notice: '反诈提醒：公安机关不会通过电话要求您转账汇款。',
  demonstration: false,
});

/** Decision latency and physical time of `runs` receipts printed on the simulator at 150 mm/s. */
async function confirmRuns(
  bytes: Uint8Array,
  confirm: PrintConfirmation,
  runs: number,
): Promise<{ ratio: number; estimateMs: number; physicalMs: number; decisionMs: number }> {
  const s = createSimulatedPrinter({ profile: { ...PROFILE_80MM, confirm } });
  await s.printer.start();
  const ratios: number[] = [];
  const physical: number[] = [];
  const decisions: number[] = [];
  let estimateMs = 0;
  try {
    for (let i = 0; i < runs; i++) {
      let report: PrintJobReport | null = null;
      let firstByteAt = 0;
      let cutAt = 0;
      const offs = [
        s.printer.on('job', (r) => (report = r)),
        s.simulator.on('data', (n) => {
          if (n > 3 && firstByteAt === 0) firstByteAt = performance.now();
        }),
        s.simulator.on('cut', () => (cutAt = performance.now())),
      ];
      const result = await s.printer.print(bytes);
      for (const off of offs) off();
      const r = report as PrintJobReport | null;
      if (!result.ok || !r) throw new Error(`receipt not printed: ${JSON.stringify(result)}`);
      estimateMs = r.estimate.ms;
      ratios.push(r.decisionMs / r.estimate.ms);
      decisions.push(r.decisionMs);
      physical.push(cutAt - firstByteAt);
    }
  } finally {
    await s.close();
  }
  return { ratio: median(ratios), estimateMs, physicalMs: median(physical), decisionMs: median(decisions) };
}

/** Runs `fn` for about `ms` milliseconds in rounds; returns the median rate per second over rounds. */
function ratePerSecond(fn: () => void, rounds = 7, perRound = 200): number {
  const rates: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    for (let i = 0; i < perRound; i++) fn();
    rates.push((perRound * 1000) / (performance.now() - t0));
  }
  return median(rates);
}

export const benchmarks: Benchmark[] = [
  {
    name: 'printer',
    async run(): Promise<Figure[]> {
      for (let i = 0; i < 50; i++) encodeReceipt(receipt, PROFILE_80MM); // warm-up
      const bytes = encodeReceipt(receipt, PROFILE_80MM).bytes;
      const encodeRate = ratePerSecond(() => encodeReceipt(receipt, PROFILE_80MM));
      const parseRate = ratePerSecond(() => new PrinterSimulator().receive(bytes));
      const sim = new PrinterSimulator();
      sim.receive(bytes);
      const items = sim.jobs[0]?.items ?? [];
      renderPaper(items); // loads the font
      const renders: number[] = [];
      for (let i = 0; i < 5; i++) {
        const t0 = performance.now();
        renderPaper(items);
        renders.push(performance.now() - t0);
      }
      return [
        {
          name: 'receipts encoded per second (80 mm, 3 services + QR)',
          value: Math.round(encodeRate),
          unit: 'ops/s',
          target: '> 200 ops/s',
          met: encodeRate > 200,
        },
        { name: 'receipt size', value: bytes.length, unit: 'bytes' },
        { name: 'simulator parses per second (same receipt)', value: Math.round(parseRate), unit: 'ops/s' },
        { name: 'PNG preview render (median, font loaded)', value: Math.round(median(renders)), unit: 'ms' },
      ];
    },
  },
  {
    name: 'printer-confirm',
    async run(): Promise<Figure[]> {
      const bytes = encodeReceipt(receipt, PROFILE_80MM).bytes;
      const status = await confirmRuns(bytes, 'status', 3);
      const gsr = await confirmRuns(bytes, 'gs-r', 3);
      return [
        {
          name: 'receipt: estimated print time (80 mm, 150 mm/s)',
          value: Math.round(status.estimateMs),
          unit: 'ms',
        },
        {
          name: 'receipt: simulated physical time (first byte → cut)',
          value: Math.round(status.physicalMs),
          unit: 'ms',
        },
        {
          name: 'status: "printed" decision after the last byte',
          value: Math.round(status.decisionMs),
          unit: 'ms',
        },
        {
          name: 'status: decision latency / estimated print time',
          value: status.ratio,
          unit: 'ratio',
          target: '≤ 1.3×',
          met: status.ratio <= 1.3,
        },
        {
          name: 'GS r: "printed" decision after the last byte',
          value: Math.round(gsr.decisionMs),
          unit: 'ms',
        },
        {
          name: 'GS r: decision latency / estimated print time',
          value: gsr.ratio,
          unit: 'ratio',
          target: '≤ 1.3×',
          met: gsr.ratio <= 1.3,
        },
      ];
    },
  },
];
