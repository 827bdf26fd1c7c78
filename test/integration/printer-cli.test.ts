import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import jsQRModule from 'jsqr';
import { PNG } from 'pngjs';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../main/cli/main.js';
import { serveSimulatorOn, serveSimulatorTcp } from '../../drivers/printer/serve.js';
import { PrinterSimulator } from '../../drivers/printer/simulator.js';
import { SerialTransport } from '../../drivers/transport/serial.js';
import { createPtyPair } from '../support/socat.js';

// jsqr is CommonJS with a `default` property; under NodeNext its default import types as the module object.
const jsQR = jsQRModule.default;
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});

async function cli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    env: {},
    signal: new AbortController().signal,
  });
  return { code, stdout, stderr };
}

const receipt = {
  locale: 'zh-CN',
  kioskId: 'SZ-FT-0012',
  kioskName: '福田派出所 自助警务舱',
  transactionNumber: 'JW-20261129-000123',
  completedAt: '2026-11-29T10:24:00+08:00',
  citizen: { name: '张三', idNumberMasked: '4403**********123X' },
  services: [{ id: 'driver-licence-replacement', name: '驾驶证补领', status: '已受理', fee: 10 }],
  progressUrl: 'https://booth.example.gov.cn/p/JW-20261129-000123',
  demonstration: false,
};

function tmp(): string {
  return mkdtempSync(path.join(tmpdir(), 'booth-printer-cli-'));
}

async function simulatorOnPty(
  scenario: 'ok' | 'paper-out' = 'ok',
): Promise<{ port: string; sim: PrinterSimulator }> {
  const pair = await createPtyPair();
  cleanups.push(() => pair.close());
  const sim = new PrinterSimulator({ scenario });
  const ep = await serveSimulatorOn(sim, new SerialTransport({ path: pair.b, baudRate: 19200 }));
  cleanups.push(() => ep.close());
  return { port: pair.a, sim };
}

describe('booth printer preview (in-process)', () => {
  it('writes a PNG whose QR decodes to the progress URL', async () => {
    const dir = tmp();
    const file = path.join(dir, 'receipt.json');
    writeFileSync(file, JSON.stringify(receipt));
    const out = path.join(dir, 'receipt.png');
    const r = await cli(['printer', 'preview', file, '--out', out, '--width', '58']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/wrote .*receipt\.png \(58 mm/);
    const png = PNG.sync.read(readFileSync(out));
    expect(png.width).toBe(384 + 32);
    expect(jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data).toBe(receipt.progressUrl);
  });

  it('a bad RECEIPT.json → one line naming the file and the field path', async () => {
    const dir = tmp();
    const file = path.join(dir, 'bad.json');
    const bad = { ...receipt, services: [{ id: 'x', name: 'y' }] };
    writeFileSync(file, JSON.stringify(bad));
    const r = await cli(['printer', 'preview', file, '--out', path.join(dir, 'x.png')]);
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(file);
    expect(r.stderr).toContain('services[0].status');
    expect(existsSync(path.join(dir, 'x.png'))).toBe(false);
  });

  it('not JSON, missing file, missing --out, huge strings → one-line errors', async () => {
    const dir = tmp();
    const file = path.join(dir, 'junk.json');
    writeFileSync(file, '{ nope');
    for (const argv of [
      ['printer', 'preview', file, '--out', path.join(dir, 'a.png')],
      ['printer', 'preview', path.join(dir, 'missing.json'), '--out', path.join(dir, 'a.png')],
      ['printer', 'preview', file],
    ]) {
      const r = await cli(argv);
      expect(r.code).not.toBe(0);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
    const huge = path.join(dir, 'huge.json');
    writeFileSync(huge, JSON.stringify({ ...receipt, kioskName: '警'.repeat(100_000) }));
    const r = await cli(['printer', 'preview', huge, '--out', path.join(dir, 'h.png')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('kioskName');
  });

  it('emoji in the receipt are reported as replaced', async () => {
    const dir = tmp();
    const file = path.join(dir, 'emoji.json');
    writeFileSync(file, JSON.stringify({ ...receipt, notice: '祝您平安😀' }));
    const r = await cli(['printer', 'preview', file, '--out', path.join(dir, 'e.png')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('U+1F600');
  });
});

describe('booth printer status/test (in-process, simulator on a PTY)', () => {
  it('status --json has the condition keys', async () => {
    const { port } = await simulatorOnPty();
    const r = await cli(['printer', 'status', '--port', port, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      online: true,
      coverOpen: false,
      paperEnd: false,
      paperNearEnd: false,
      error: false,
    });
  });

  it('test prints Simplified, Traditional, English and a QR code, then cuts', async () => {
    const { port, sim } = await simulatorOnPty();
    const r = await cli(['printer', 'test', '--port', port, '--width', '58']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(sim.jobs).toHaveLength(1);
    const text = PrinterSimulator.textLines(sim.jobs[0]!.items).join('\n');
    expect(text).toContain('简体中文');
    expect(text).toContain('繁體中文');
    expect(text).toContain('English');
    expect(PrinterSimulator.qrPayloads(sim.jobs[0]!.items)).toHaveLength(1);
  });

  it('status and test over TCP (port 9100 style), and the cover-open and offline-mid-job scenarios', async () => {
    const sim = new PrinterSimulator();
    const ep = await serveSimulatorTcp(sim, { port: 0 });
    cleanups.push(() => ep.close());
    const target = `127.0.0.1:${ep.port}`;
    const status = await cli(['printer', 'status', '--tcp', target, '--json']);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ online: true, coverOpen: false, paperEnd: false });
    expect((await cli(['printer', 'test', '--tcp', target])).code).toBe(0);
    expect(sim.jobs).toHaveLength(1);

    sim.setScenario('cover-open');
    const open = await cli(['printer', 'status', '--tcp', target, '--json']);
    expect(open.code).toBe(0);
    expect(JSON.parse(open.stdout)).toMatchObject({ coverOpen: true });
    const refused = await cli(['printer', 'test', '--tcp', target]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/cover-open/);

    sim.setScenario('offline-mid-job');
    const midJob = await cli(['printer', 'test', '--tcp', target]);
    expect(midJob.code).not.toBe(0);
    expect(midJob.stderr.trim().split('\n')).toHaveLength(1);
    expect(midJob.stderr).toMatch(/not printed|unknown/);
  });

  it('test refuses when paper is out, with the reason', async () => {
    const { port, sim } = await simulatorOnPty('paper-out');
    const r = await cli(['printer', 'test', '--port', port]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/not printed: paper-end/);
    expect(sim.paper).toEqual([]);
  });

  it('no printer / bad options → one-line errors, non-zero', async () => {
    const missing = await cli(['printer', 'status', '--port', '/dev/does-not-exist-printer']);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toMatch(/cannot open/);
    const none = await cli(['printer', 'status']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/exactly one of/);
    const both = await cli(['printer', 'status', '--port', 'a', '--tcp', 'b:1']);
    expect(both.code).toBe(2);
    const width = await cli(['printer', 'test', '--tcp', '127.0.0.1:1', '--width', '70']);
    expect(width.stderr).toMatch(/58 or 80/);
  });

  it('a silent printer → non-zero with a one-line reason', async () => {
    const pair = await createPtyPair();
    cleanups.push(() => pair.close());
    const sim = new PrinterSimulator({ scenario: 'silent' });
    const ep = await serveSimulatorOn(sim, new SerialTransport({ path: pair.b }));
    cleanups.push(() => ep.close());
    const r = await cli(['printer', 'status', '--port', pair.a, '--timeout', '200']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/did not answer/);
  });
});

function run(
  args: string[],
  opts: { timeoutMs?: number } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(root, 'bin/booth.mjs'), ...args], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function startSimulator(
  args: string[],
): Promise<{ child: ChildProcess; output: () => string; stop: () => Promise<number | null> }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [path.join(root, 'bin/booth.mjs'), 'simulate', 'printer', ...args],
      {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    const timer = setTimeout(() => reject(new Error(`simulator did not start: ${out}`)), 60_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('Ctrl-C to stop')) {
        clearTimeout(timer);
        resolve({
          child,
          output: () => out,
          stop: () =>
            new Promise((r) => {
              if (child.exitCode !== null || child.signalCode !== null) return r(child.exitCode);
              child.once('exit', (code) => r(code));
              child.kill('SIGINT');
            }),
        });
      }
    });
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', () => reject(new Error(`simulator exited: ${out}`)));
  });
}

// Each subprocess starts tsx and the whole CLI: slow on a shared 2-core machine, hence the long timeouts.
describe(
  'booth CLI as subprocesses against `booth simulate printer` on a PTY pair',
  { timeout: 120_000 },
  () => {
    it('status and test against the ok scenario; the simulator writes a PNG per cut job', async () => {
      const pair = await createPtyPair();
      cleanups.push(() => pair.close());
      const outDir = tmp();
      const sim = await startSimulator(['--port', pair.b, '--out-dir', outDir, '--width', '58']);
      cleanups.push(async () => void (await sim.stop()));

      const status = await run(['printer', 'status', '--port', pair.a, '--json']);
      expect(status.stderr).toBe('');
      expect(status.code).toBe(0);
      expect(JSON.parse(status.stdout)).toMatchObject({ online: true, paperEnd: false, coverOpen: false });

      const test = await run(['printer', 'test', '--port', pair.a, '--width', '58']);
      expect(test.stderr).toBe('');
      expect(test.code).toBe(0);
      expect(test.stdout).toContain('test page printed');

      const end = Date.now() + 20_000;
      while (!readdirSync(outDir).includes('job-0001.png') && Date.now() < end)
        await new Promise((r) => setTimeout(r, 100));
      expect(await sim.stop()).toBe(0);
      const png = PNG.sync.read(readFileSync(path.join(outDir, 'job-0001.png')));
      expect(png.width).toBe(384 + 32);
      expect(jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data).toBe(
        '智慧警务舱 printer test 打印测试',
      );
      expect(sim.output()).toContain('simulator stopped');
    });

    it('paper-out: status reports it (exit 0), test refuses (non-zero, one line)', async () => {
      const pair = await createPtyPair();
      cleanups.push(() => pair.close());
      const sim = await startSimulator(['--port', pair.b, '--scenario', 'paper-out']);
      cleanups.push(async () => void (await sim.stop()));
      const status = await run(['printer', 'status', '--port', pair.a]);
      expect(status.code).toBe(0);
      expect(status.stdout).toMatch(/paper:\s+OUT/);
      const test = await run(['printer', 'test', '--port', pair.a]);
      expect(test.code).toBe(1);
      expect(test.stderr.trim().split('\n')).toHaveLength(1);
      expect(test.stderr).toMatch(/paper-end/);
    });
  },
);
