import jsQRModule from 'jsqr';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { EscPosEncoder, PROFILE_58MM, PROFILE_80MM } from './encoder.js';
import { EscPosParser } from './escpos-parser.js';
import { renderPaper } from './render.js';
import { PrinterSimulator } from './simulator.js';
import { testPage } from './test-page.js';
import { estimatePrintTime } from './timing.js';

// jsqr is CommonJS with a `default` property; under NodeNext its default import types as the module object.
const jsQR = jsQRModule.default;

function sample(): Uint8Array {
  return new EscPosEncoder(PROFILE_80MM)
    .init()
    .align('center')
    .bold(true)
    .size(2, 2)
    .line('智慧警务舱')
    .size(1, 1)
    .bold(false)
    .line('繁體：智慧警務艙 English')
    .align('left')
    .row('业务编号', 'JW-20261129-000123')
    .align('center')
    .qr('进度查询：智慧警务舱一号机', { moduleSize: 4, errorCorrection: 'Q' })
    .image({ width: 16, height: 2, bits: Uint8Array.of(0xff, 0xff, 0x81, 0x81) })
    .feed(2)
    .cut({ mode: 'full' })
    .encode().bytes;
}

describe('EscPosParser (independent of the encoder)', () => {
  it('parses commands split at every possible byte boundary', () => {
    const bytes = sample();
    const whole = new EscPosParser().push(bytes);
    const p = new EscPosParser();
    const split = [...bytes].flatMap((b) => p.push(Uint8Array.of(b)));
    const norm = (cmds: typeof whole): unknown[] => {
      // Text may arrive in several runs when split; join adjacent runs for comparison.
      const out: unknown[] = [];
      for (const c of cmds) {
        const last = out[out.length - 1] as { type: string; text: string } | undefined;
        if (c.type === 'text' && last?.type === 'text') last.text += c.text;
        else out.push(c.type === 'text' ? { type: 'text', text: c.text } : c);
      }
      return out;
    };
    expect(norm(split)).toEqual(norm(whole));
    expect(p.pendingBytes).toBe(0);
  });
  it('reads fixed bytes per the protocol', () => {
    const cmds = new EscPosParser().push(
      Uint8Array.of(0x1b, 0x40, 0x1c, 0x26, 0xd6, 0xd0, 0x0a, 0x1d, 0x56, 0x41, 0x03, 0x10, 0x04, 0x02),
    );
    expect(cmds).toEqual([
      { type: 'init' },
      { type: 'chinese', on: true },
      { type: 'text', text: '中', wide: [true] },
      { type: 'lf' },
      { type: 'cut', mode: 'full', feed: 3 },
      { type: 'status-request', n: 2 },
    ]);
  });
  it('unknown commands are recorded, not fatal', () => {
    const cmds = new EscPosParser().push(Uint8Array.of(0x1b, 0x99, 0x41));
    expect(cmds[0]).toMatchObject({ type: 'unknown' });
    expect(cmds[1]).toMatchObject({ type: 'text', text: 'A' });
  });
});

describe('PrinterSimulator round trip', () => {
  it('gives back the text, styles, QR payload, image and cut', () => {
    const sim = new PrinterSimulator();
    sim.receive(sample());
    expect(sim.jobs).toHaveLength(1);
    const items = sim.jobs[0]!.items;
    expect(PrinterSimulator.textLines(items)).toEqual([
      '智慧警务舱',
      '繁體：智慧警務艙 English',
      '业务编号' + ' '.repeat(48 - 8 - 18) + 'JW-20261129-000123',
    ]);
    const title = items[0]!;
    expect(title).toMatchObject({
      kind: 'text',
      align: 'center',
      runs: [{ bold: true, widthMul: 2, heightMul: 2 }],
    });
    expect(items[1]).toMatchObject({ kind: 'text', align: 'center', runs: [{ bold: false, widthMul: 1 }] });
    expect(items[2]).toMatchObject({ align: 'left' });
    const qr = items.find((i) => i.kind === 'qr');
    expect(qr).toMatchObject({
      text: '进度查询：智慧警务舱一号机',
      moduleSize: 4,
      errorCorrection: 'Q',
      align: 'center',
    });
    const image = items.find((i) => i.kind === 'image');
    expect(image).toMatchObject({ width: 16, height: 2 });
    expect(items[items.length - 1]).toEqual({ kind: 'cut', mode: 'full' });
    expect(sim.unknown).toEqual([]);
  });

  it('wraps text itself at the paper width like a printer', () => {
    const sim = new PrinterSimulator({ width: 58 });
    sim.receive(new EscPosEncoder(PROFILE_58MM).init().text('中'.repeat(20)).line().encode().bytes);
    expect(PrinterSimulator.textLines(sim.paper)).toEqual(['中'.repeat(16), '中'.repeat(4)]);
  });

  it('a four-byte GB18030 sequence sent raw shows up as U+FFFD, never silently', () => {
    const sim = new PrinterSimulator();
    sim.receive(Uint8Array.of(0x1b, 0x40, 0x1c, 0x26, 0x95, 0x32, 0x82, 0x36, 0x0a));
    expect(PrinterSimulator.textLines(sim.paper)[0]).toContain('\ufffd');
  });

  it('answers DLE EOT per state with the fixed bits', () => {
    const sim = new PrinterSimulator();
    const replies: number[] = [];
    sim.onOutput((b) => replies.push(...b));
    const ask = (): number[] => {
      replies.length = 0;
      sim.receive(Uint8Array.of(0x10, 0x04, 1, 0x10, 0x04, 2, 0x10, 0x04, 3, 0x10, 0x04, 4));
      return [...replies];
    };
    expect(ask()).toEqual([0x12, 0x12, 0x12, 0x12]);
    sim.setScenario('paper-near-end');
    expect(ask()).toEqual([0x12, 0x12, 0x12, 0x1e]);
    sim.setScenario('paper-out');
    expect(ask()).toEqual([0x1a, 0x12, 0x12, 0x7e]);
    sim.setScenario('cover-open');
    expect(ask()).toEqual([0x1a, 0x16, 0x12, 0x12]);
    sim.setScenario('ok');
    sim.autocutterError = true;
    expect(ask()).toEqual([0x3a, 0x52, 0x1a, 0x12]);
    sim.autocutterError = false;
    sim.setScenario('silent');
    expect(ask()).toEqual([]);
  });

  it('paper runs out after the configured length; the rest is not printed', () => {
    const sim = new PrinterSimulator({ paperDots: 100 });
    const e = new EscPosEncoder().init();
    for (let i = 0; i < 10; i++) e.line(`line ${i}`);
    sim.receive(e.cut().encode().bytes);
    expect(PrinterSimulator.textLines(sim.paper)).toEqual(['line 0', 'line 1', 'line 2']);
    expect(sim.stoppedAtPaperEnd).toBe(true);
    expect(sim.jobs).toHaveLength(0);
    sim.refillPaper();
    expect(sim.canPrint).toBe(true);
  });

  it('offline-mid-job stops printing after N bytes', () => {
    const sim = new PrinterSimulator({ scenario: 'offline-mid-job', offlineAfterBytes: 30 });
    const e = new EscPosEncoder().init();
    for (let i = 0; i < 10; i++) e.line(`line ${i}`);
    sim.receive(e.cut().encode().bytes);
    expect(sim.offline).toBe(true);
    expect(PrinterSimulator.textLines(sim.paper).length).toBeLessThan(10);
    expect(sim.statusByte(1)! & 0x08).toBe(0x08);
  });

  it('renders a PNG whose QR code decodes to the Chinese payload', () => {
    const sim = new PrinterSimulator();
    sim.receive(sample());
    const png = PNG.sync.read(Buffer.from(renderPaper(sim.jobs[0]!.items)));
    expect(png.width).toBe(576 + 32);
    const qr = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
    expect(qr?.data).toBe('进度查询：智慧警务舱一号机');
    // Text was drawn: the title area has black pixels.
    let black = 0;
    for (let y = 16; y < 16 + 48; y++)
      for (let x = 0; x < png.width; x++) if (png.data[(y * png.width + x) * 4] === 0) black += 1;
    expect(black).toBeGreaterThan(500);
  });

  it('rendering with a missing font is a typed error', async () => {
    const { PreviewFontError } = await import('./render.js');
    expect(() => renderPaper([], { fontPath: '/nonexistent/font.otf' })).toThrow(PreviewFontError);
  });
});

describe('PrinterSimulator at a set paper speed', () => {
  const ask = (sim: PrinterSimulator, n: number): Promise<number> =>
    new Promise((resolve) => {
      const off = sim.onOutput((b) => {
        off();
        resolve(b[0]!);
      });
      sim.receive(Uint8Array.of(0x10, 0x04, n));
    });

  it('takes the physical time: nothing is cut when the bytes have arrived, the job is once the head is done', async () => {
    const sim = new PrinterSimulator({ speedMmPerSec: 150 });
    sim.receive(testPage(80));
    expect(sim.printing).toBe(true);
    expect(sim.jobs).toHaveLength(0);
    expect(await ask(sim, 1)).toBe(0x12); // busy printing is not offline
    await sim.whenIdle();
    expect(sim.printing).toBe(false);
    expect(sim.jobs).toHaveLength(1);
    expect(PrinterSimulator.qrPayloads(sim.jobs[0]!.items)).toHaveLength(1);
  });

  it('paper running out partway through a long job: earlier lines on paper, the rest lost, paper end from then on', async () => {
    const e = new EscPosEncoder(PROFILE_80MM).init();
    for (let i = 0; i < 40; i++) e.line(`line ${i}`);
    // 10 lines of 30 dots fit; the 11th does not.
    const sim = new PrinterSimulator({ speedMmPerSec: 150, paperDots: 310 });
    const lost = new Promise<number>((resolve) => sim.on('lost', resolve));
    sim.receive(e.cut().encode().bytes);
    expect(await ask(sim, 4)).toBe(0x1e); // near end (310 dots left), not yet out
    expect(await lost).toBeGreaterThan(25);
    expect(await ask(sim, 4)).toBe(0x7e);
    expect(await ask(sim, 2)).toBe(0x32); // stopped at paper end
    expect(PrinterSimulator.textLines(sim.paper)).toEqual(Array.from({ length: 10 }, (_, i) => `line ${i}`));
    expect(sim.jobs).toHaveLength(0);
    expect(sim.printing).toBe(false);
    // A new roll does not bring the lost lines back.
    sim.refillPaper();
    await sim.whenIdle();
    expect(PrinterSimulator.textLines(sim.paper)).toHaveLength(10);
  });

  it('answers DLE EOT at once and GS r only when the head reaches it', async () => {
    const sim = new PrinterSimulator({ speedMmPerSec: 150 });
    const events: string[] = [];
    sim.onOutput((b) => events.push(`reply ${b[0]!.toString(16)}`));
    sim.on('cut', () => events.push('cut'));
    sim.receive(new Uint8Array([...testPage(80), 0x1d, 0x72, 0x01, 0x10, 0x04, 0x01]));
    expect(events).toEqual(['reply 12']);
    await sim.whenIdle();
    expect(events).toEqual(['reply 12', 'cut', 'reply 0']);
  });

  it('a printer that ignores GS r never answers it; a stopped one drops it with the job', async () => {
    const deaf = new PrinterSimulator({ answersGsR: false });
    const replies: number[] = [];
    deaf.onOutput((b) => replies.push(...b));
    deaf.receive(Uint8Array.of(0x1d, 0x72, 0x01));
    expect(replies).toEqual([]);
    const out = new PrinterSimulator({ speedMmPerSec: 150, paperDots: 50 });
    out.onOutput((b) => replies.push(...b));
    out.receive(new Uint8Array([...testPage(80), 0x1d, 0x72, 0x01]));
    await out.whenIdle();
    expect(out.stoppedAtPaperEnd).toBe(true);
    expect(replies).toEqual([]);
  });

  it('uses the paper the host-side estimate expects (independent parsers agree)', () => {
    for (const width of [58, 80] as const) {
      const sim = new PrinterSimulator({ width, paperDots: 100_000 });
      const page = testPage(width);
      sim.receive(page);
      expect(100_000 - sim.paperLeft).toBe(
        estimatePrintTime(page, width === 58 ? PROFILE_58MM : PROFILE_80MM).paperDots,
      );
    }
  });

  it('ESC J feeds dots and GS V 65 n feeds past the blade before cutting', () => {
    const sim = new PrinterSimulator({ paperDots: 10_000 });
    sim.receive(Uint8Array.of(0x1b, 0x4a, 40, 0x1d, 0x56, 65, 4));
    expect(sim.jobs[0]!.items).toEqual([
      { kind: 'feed', height: 40 },
      { kind: 'feed', height: 120 },
      { kind: 'cut', mode: 'full' },
    ]);
  });
});
