import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { CliIO } from '../../main/cli/command.js';
import { createDevicesCommands } from '../../main/cli/commands/devices.js';
import { createScannerCommands } from '../../main/cli/commands/scanner.js';
import { runCli } from '../../main/cli/main.js';
import { createPtyPair, type PtyPair } from '../support/socat.js';
import { createWaiter } from '../support/wait.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const booth = path.join(root, 'bin/booth.mjs');

function collectingIo(signal = new AbortController().signal) {
  const out: string[] = [];
  const err: string[] = [];
  const waiter = createWaiter(
    () => `stdout: ${out.join('').slice(-300)}; stderr: ${err.join('').slice(-300)}`,
  );
  const io: CliIO = {
    stdout: (t) => (out.push(t), waiter.poke()),
    stderr: (t) => (err.push(t), waiter.poke()),
    env: {},
    signal,
  };
  // 30 s: a serial port opening on a loaded 2-core CI machine has taken longer than the default 10 s.
  const until = (done: () => boolean): Promise<void> => waiter.until(String(done), done, 30_000);
  return { io, out, err, until, text: () => out.join(''), errText: () => err.join('') };
}

/** A subprocess with its output gathered, and a way to wait for output to match. */
function run(args: string[]) {
  const child: ChildProcess = spawn(process.execPath, [booth, ...args], {
    cwd: root,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiter = createWaiter(() => `stdout: ${stdout.slice(-300)}; stderr: ${stderr.slice(-300)}`);
  child.stdout?.on('data', (d: Buffer) => ((stdout += d.toString()), waiter.poke()));
  child.stderr?.on('data', (d: Buffer) => ((stderr += d.toString()), waiter.poke()));
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => (waiter.poke(), resolve(code))),
  );
  const until = (done: () => boolean, what: string): Promise<void> =>
    waiter.until(what, () => {
      if (done()) return true;
      if (child.exitCode !== null)
        throw new Error(`process exited (${child.exitCode}) before ${what}: ${stderr}`);
      return false;
    });
  return { child, exited, until, stdout: () => stdout, stderr: () => stderr };
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function pty(): Promise<PtyPair> {
  const pair = await createPtyPair();
  cleanups.push(() => pair.close());
  return pair;
}

describe('booth devices list', () => {
  // Subprocesses start tsx and every command group: slow on a loaded machine, hence the generous timeouts.
  it(
    'as a real subprocess: a JSON array, or (nothing enumerable here) exit 1 with every cause',
    { timeout: 120_000 },
    async () => {
      const p = run(['devices', 'list', '--json']);
      const code = await p.exited;
      if (code === 0) {
        const parsed: unknown = JSON.parse(p.stdout());
        expect(Array.isArray(parsed)).toBe(true);
        for (const d of parsed as Array<Record<string, unknown>>)
          expect(['serial', 'hid', 'camera']).toContain(d.kind);
      } else {
        // Machines without udev and libusb (containers, this CI) cannot enumerate at all: never "none found".
        expect(code).toBe(1);
        expect(p.stdout()).toBe('');
        expect(p.stderr()).toMatch(
          /^booth devices list: cannot list devices: serial ports could not be listed: .+; HID devices could not be listed: .+\n$/,
        );
      }
    },
  );

  it('exits non-zero with both causes when neither enumerator works, instead of "none found"', async () => {
    const noUdev = Object.assign(new Error('spawn udevadm ENOENT'), { code: 'ENOENT' });
    const noLibusb = new Error('libusb-1.0.so.0: cannot open shared object file: No such file or directory');
    const dead = { serial: async () => Promise.reject(noUdev), hid: async () => Promise.reject(noLibusb) };
    for (const argv of [
      ['devices', 'list'],
      ['devices', 'list', '--json'],
    ]) {
      const c = collectingIo();
      expect(await runCli(argv, c.io, createDevicesCommands(dead))).toBe(1);
      expect(c.text()).toBe('');
      expect(c.errText()).not.toContain('No serial ports');
      expect(c.errText()).toContain(
        'serial ports could not be listed: spawn udevadm ENOENT (udev is not available)',
      );
      expect(c.errText()).toContain('HID devices could not be listed: libusb-1.0.so.0');
      expect(c.errText().trim().split('\n')).toHaveLength(1);
    }
    // A lister that throws synchronously is the same failure.
    const throwing = {
      serial: () => {
        throw new Error('no binding');
      },
      hid: () => {
        throw new Error('no binding');
      },
    };
    const t = collectingIo();
    expect(await runCli(['devices', 'list'], t.io, createDevicesCommands(throwing))).toBe(1);
    expect(t.errText()).toMatch(/cannot list devices/);
  });

  it('lists what one enumerator found when the other fails, and says "none" only of what was listed', async () => {
    const noHid = {
      serial: async () => [{ path: '/dev/ttyUSB0' }],
      hid: async () => Promise.reject(new Error('libusb missing')),
    };
    const a = collectingIo();
    expect(await runCli(['devices', 'list'], a.io, createDevicesCommands(noHid))).toBe(0);
    expect(a.text()).toContain('/dev/ttyUSB0');
    expect(a.errText()).toContain('warning: HID devices could not be listed: libusb missing');
    const emptySerial = { serial: async () => [], hid: noHid.hid };
    const b = collectingIo();
    expect(await runCli(['devices', 'list'], b.io, createDevicesCommands(emptySerial))).toBe(0);
    expect(b.text()).toBe('No serial ports found.\n');
  });

  it('reports devices from both listers, says so when there are none, and survives a failing lister', async () => {
    const listers = {
      serial: async () => [
        { path: '/dev/ttyUSB0', vendorId: '1a86', productId: '7523', manufacturer: 'QinHeng' },
      ],
      hid: async () => [
        {
          vendorId: 0x0c2e,
          productId: 0x0b61,
          path: '/dev/hidraw2',
          manufacturer: 'Honeywell',
          product: 'Scanner',
          usagePage: 0x8c,
          usage: 2,
        },
      ],
    };
    const a = collectingIo();
    expect(await runCli(['devices', 'list', '--json'], a.io, createDevicesCommands(listers))).toBe(0);
    expect(JSON.parse(a.text())).toEqual([
      {
        kind: 'serial',
        path: '/dev/ttyUSB0',
        vidPid: '1a86:7523',
        manufacturer: 'QinHeng',
        product: null,
        usagePage: null,
        usage: null,
      },
      {
        kind: 'hid',
        path: '/dev/hidraw2',
        vidPid: '0c2e:0b61',
        manufacturer: 'Honeywell',
        product: 'Scanner',
        usagePage: 0x8c,
        usage: 2,
      },
    ]);
    const b = collectingIo();
    expect(await runCli(['devices', 'list'], b.io, createDevicesCommands(listers))).toBe(0);
    expect(b.text()).toContain('0x8c/0x02 (HID POS scanner)');
    expect(b.text()).toContain('/dev/ttyUSB0');

    const none = { serial: async () => [], hid: async () => [] };
    const c = collectingIo();
    expect(await runCli(['devices', 'list'], c.io, createDevicesCommands(none))).toBe(0);
    expect(c.text()).toBe('No serial ports or HID devices found.\n');
    const d = collectingIo();
    expect(await runCli(['devices', 'list', '--json'], d.io, createDevicesCommands(none))).toBe(0);
    expect(JSON.parse(d.text())).toEqual([]);

    const broken = { serial: async () => [], hid: async () => Promise.reject(new Error('libudev missing')) };
    const e = collectingIo();
    expect(await runCli(['devices', 'list', '--json'], e.io, createDevicesCommands(broken))).toBe(0);
    expect(JSON.parse(e.text())).toEqual([]);
    expect(e.errText()).toContain('HID devices could not be listed: libudev missing');
  });
});

describe('booth scanner listen / simulate scanner (in-process)', () => {
  it('listens on one end of a PTY while the simulator sends codes on the other', async () => {
    const pair = await pty();
    const stop = new AbortController();
    const listener = collectingIo(stop.signal);
    const commands = createScannerCommands();
    const listening = runCli(
      ['scanner', 'listen', '--port', pair.a, '--json', '--progress-host', 'p.example'],
      listener.io,
      commands,
    );
    await listener.until(() => listener.errText().includes('listening on'));

    const sim = collectingIo();
    const code = await runCli(
      [
        'simulate',
        'scanner',
        '--port',
        pair.b,
        '--code',
        'https://p.example/progress/JW-20261129-000123',
        '--code',
        'YY2026112900001230',
        '--interval',
        '5',
        '--symbology',
        'QR',
      ],
      sim.io,
      commands,
    );
    expect(code).toBe(0);
    expect(sim.errText()).toContain('sent 2 codes');
    await listener.until(() => listener.out.length >= 2);
    stop.abort();
    expect(await listening).toBe(0);
    const lines = listener
      .text()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => [l.kind, l.reference, l.symbology, l.source])).toEqual([
      ['progress', 'JW-20261129-000123', 'QR', 'serial'],
      ['appointment', 'YY2026112900001230', 'QR', 'serial'],
    ]);
  });

  it('simulate reads codes from its input when no --code is given', async () => {
    const pair = await pty();
    const stop = new AbortController();
    const listener = collectingIo(stop.signal);
    const input = async function* (): AsyncIterable<string> {
      yield 'first-code';
      yield '';
      yield 'second-code';
    };
    const commands = createScannerCommands(input);
    const listening = runCli(['scanner', 'listen', '--port', pair.a], listener.io, commands);
    await listener.until(() => listener.errText().includes('listening on'));
    const sim = collectingIo();
    expect(
      await runCli(['simulate', 'scanner', '--port', pair.b, '--terminator', 'crlf'], sim.io, commands),
    ).toBe(0);
    await listener.until(() => listener.out.length >= 2);
    stop.abort();
    expect(await listening).toBe(0);
    expect(listener.text()).toMatch(/unknown\s+-\s+first-code\n.*unknown\s+-\s+second-code\n/s);
  });

  it('carries GS1 separators, GB18030 text and codes without a suffix from simulate to listen', async () => {
    const pair = await pty();
    const stop = new AbortController();
    const listener = collectingIo(stop.signal);
    const commands = createScannerCommands();
    const listening = runCli(
      ['scanner', 'listen', '--port', pair.a, '--json', '--gap', '80'],
      listener.io,
      commands,
    );
    await listener.until(() => listener.errText().includes('listening on'));
    const send = async (extra: string[]): Promise<void> => {
      const sim = collectingIo();
      const argv = ['simulate', 'scanner', '--port', pair.b, '--terminator', 'none', ...extra];
      expect(await runCli(argv, sim.io, commands), sim.errText()).toBe(0);
    };
    const before = (n: number): Promise<void> => listener.until(() => listener.out.length >= n);
    await send(['--gs1', '--symbology', 'GS1-128', '--code', '(01)09506000134352(10)ABC123(17)261231']);
    await before(1);
    await send(['--encoding', 'gb18030', '--symbology', 'QR', '--code', '深圳市公安局']);
    await before(2);
    stop.abort();
    expect(await listening).toBe(0);
    const [gs1, chinese] = listener
      .text()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(gs1).toMatchObject({
      text: '0109506000134352' + '10ABC123\u001d17261231',
      symbology: 'GS1-128',
      encoding: 'utf-8',
      gs1: [
        { ai: '01', title: 'GTIN', value: '09506000134352' },
        { ai: '10', title: 'BATCH/LOT', value: 'ABC123' },
        { ai: '17', title: 'USE BY OR EXPIRY', value: '261231', date: '2026-12-31' },
      ],
    });
    expect(chinese).toMatchObject({ text: '深圳市公安局', encoding: 'gb18030', symbology: 'QR', gs1: null });
  });

  it('prints GS visibly and the AIs in the human-readable listing', async () => {
    const pair = await pty();
    const stop = new AbortController();
    const listener = collectingIo(stop.signal);
    const commands = createScannerCommands();
    const listening = runCli(['scanner', 'listen', '--port', pair.a], listener.io, commands);
    await listener.until(() => listener.errText().includes('listening on'));
    const sim = collectingIo();
    const argv = ['simulate', 'scanner', '--port', pair.b, '--gs1', '--code', '(10)LOT1(21)S1'];
    expect(await runCli(argv, sim.io, commands)).toBe(0);
    await listener.until(() => listener.out.length >= 1);
    stop.abort();
    expect(await listening).toBe(0);
    expect(listener.text()).toContain('10LOT1\u241d21S1  GS1 (10)LOT1(21)S1');
    expect(listener.text()).not.toContain('\u001d');
  });

  it('rejects bad arguments with one line and a usage exit status', async () => {
    const commands = createScannerCommands();
    const cases: Array<[string[], RegExp]> = [
      [['scanner', 'listen'], /exactly one of --port/],
      [['scanner', 'listen', '--port', '/dev/x', '--hid', '1:2'], /exactly one of --port/],
      [['scanner', 'listen', '--hid', 'nope'], /VID:PID/],
      [['scanner', 'listen', '--port', '/dev/x', '--baud', 'fast'], /--baud/],
      [['simulate', 'scanner'], /--port/],
      [['simulate', 'scanner', '--port', '/dev/x', '--symbology', 'Klingon'], /unknown symbology/],
      [['simulate', 'scanner', '--port', '/dev/x', '--terminator', 'nul'], /--terminator/],
      [['scanner', 'listen', '--port', '/dev/x', '--encoding', 'latin1'], /--encoding/],
      [['scanner', 'listen', '--hid', '0c2e:0b61', '--gap', '50'], /--gap applies to serial/],
      [['scanner', 'listen', '--port', '/dev/x', '--gap', '1'], /--gap/],
    ];
    for (const [argv, message] of cases) {
      const c = collectingIo();
      expect(await runCli(argv, c.io, commands), argv.join(' ')).toBe(2);
      expect(c.errText()).toMatch(message);
      expect(c.errText().trim().split('\n')).toHaveLength(1);
    }
  });

  it('fails fast with one line when the port does not exist', async () => {
    const c = collectingIo();
    expect(
      await runCli(['scanner', 'listen', '--port', '/dev/booth-no-such-port'], c.io, createScannerCommands()),
    ).toBe(1);
    expect(c.errText()).toMatch(/cannot open serial:\/dev\/booth-no-such-port.*no-device/);
  });
});

describe('booth scanner listen ↔ booth simulate scanner as two subprocesses', () => {
  it('prints one JSON line per code and exits 0 on Ctrl-C', { timeout: 180_000 }, async () => {
    const pair = await pty();
    const listener = run(['scanner', 'listen', '--port', pair.a, '--json']);
    cleanups.push(() => {
      if (listener.child.exitCode === null) listener.child.kill('SIGKILL');
    });
    await listener.until(() => listener.stderr().includes('listening on'), 'listening');

    const sim = run([
      'simulate',
      'scanner',
      '--port',
      pair.b,
      '--code',
      'JW-20261129-000123',
      '--code',
      'https://www.gov.cn/',
      '--interval',
      '10',
    ]);
    expect(await sim.exited).toBe(0);
    await listener.until(() => listener.stdout().trim().split('\n').length >= 2, 'two codes');

    // Codes typed on stdin (no --code).
    const typed = run(['simulate', 'scanner', '--port', pair.b, '--terminator', 'crlf']);
    typed.child.stdin?.end('YY2026112900001230\n');
    expect(await typed.exited).toBe(0);
    await listener.until(() => listener.stdout().trim().split('\n').length >= 3, 'three codes');

    listener.child.kill('SIGINT');
    expect(await listener.exited).toBe(0);
    const lines = listener
      .stdout()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => [l.kind, l.text])).toEqual([
      ['progress', 'JW-20261129-000123'],
      ['url', 'https://www.gov.cn/'],
      ['appointment', 'YY2026112900001230'],
    ]);
  });
});
