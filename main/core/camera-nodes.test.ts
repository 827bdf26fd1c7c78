import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CliIO } from '../cli/command.js';
import { createDevicesCommands } from '../cli/commands/devices.js';
import { runCli } from '../cli/main.js';
import { listCameraNodes } from './camera-nodes.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A sysfs-like tree: a UVC camera (capture node and metadata node) on a USB device, and a built-in one. */
function fakeSysfs(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'booth-v4l-'));
  dirs.push(root);
  const usb = path.join(root, 'devices', 'usb1', '1-2');
  const iface = path.join(usb, '1-2:1.0');
  mkdirSync(iface, { recursive: true });
  writeFileSync(path.join(usb, 'idVendor'), '0BDA\n');
  writeFileSync(path.join(usb, 'idProduct'), '58c2\n');
  const platform = path.join(root, 'devices', 'platform', 'camera');
  mkdirSync(platform, { recursive: true });
  const cls = path.join(root, 'class');
  const node = (name: string, index: string, label: string, device: string): void => {
    mkdirSync(path.join(cls, name), { recursive: true });
    writeFileSync(path.join(cls, name, 'index'), `${index}\n`);
    writeFileSync(path.join(cls, name, 'name'), `${label}\n`);
    symlinkSync(device, path.join(cls, name, 'device'));
  };
  node('video0', '0', 'USB2.0 HD UVC WebCam', iface);
  node('video1', '1', 'USB2.0 HD UVC WebCam', iface);
  node('video10', '0', 'Built-in', platform);
  return cls;
}

describe('cameras listed from sysfs', () => {
  it('lists each capture node once with its name, USB ids and the label the browser shows', async () => {
    expect(await listCameraNodes(fakeSysfs())).toEqual([
      {
        kind: 'camera',
        path: '/dev/video0',
        vidPid: '0bda:58c2',
        product: 'USB2.0 HD UVC WebCam',
        label: 'USB2.0 HD UVC WebCam (0bda:58c2)',
      },
      { kind: 'camera', path: '/dev/video10', vidPid: null, product: 'Built-in', label: 'Built-in' },
    ]);
    expect(await listCameraNodes(path.join(tmpdir(), 'no-such-video4linux'))).toEqual([]);
  });

  it('booth devices list shows them beside serial ports and HID devices; a failure is only a warning', async () => {
    const cls = fakeSysfs();
    const out: string[] = [];
    const err: string[] = [];
    const io: CliIO = {
      stdout: (t) => void out.push(t),
      stderr: (t) => void err.push(t),
      env: {},
      signal: new AbortController().signal,
    };
    const listers = {
      serial: async () => [{ path: '/dev/ttyUSB0' }],
      hid: async () => [],
      cameras: () => listCameraNodes(cls),
    };
    expect(await runCli(['devices', 'list'], io, createDevicesCommands(listers))).toBe(0);
    const lines = out.join('').split('\n');
    expect(lines.find((l) => l.startsWith('camera'))).toMatch(
      /^camera +\/dev\/video0 +0bda:58c2 +- +USB2\.0 HD UVC WebCam +label: USB2\.0 HD UVC WebCam \(0bda:58c2\)$/,
    );
    out.length = 0;
    expect(await runCli(['devices', 'list', '--json'], io, createDevicesCommands(listers))).toBe(0);
    expect(JSON.parse(out.join(''))).toContainEqual(
      expect.objectContaining({ kind: 'camera', path: '/dev/video10', label: 'Built-in' }),
    );
    out.length = 0;
    const broken = { ...listers, cameras: () => Promise.reject(new Error('EACCES: permission denied')) };
    expect(await runCli(['devices', 'list'], io, createDevicesCommands(broken))).toBe(0);
    expect(err.join('')).toContain('warning: cameras could not be listed: EACCES: permission denied');
    expect(out.join('')).toContain('/dev/ttyUSB0');
  });
});
