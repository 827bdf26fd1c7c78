import type * as SerialBindings from '@serialport/bindings-cpp';
import { createRequire } from 'node:module';
import type * as NodeHid from 'node-hid';
import type * as Sqlite3 from 'sqlite3';
import { describe, expect, it } from 'vitest';

// The native addons the core loads. They are Node-API builds, so the same files must load both on the
// machine's Node and on the pinned Electron's Node (`npm test` runs this suite on both).
const require = createRequire(import.meta.url);

describe(`native modules load on Node ${process.versions.node}`, () => {
  it('sqlite3 opens a database and answers a query', async () => {
    const sqlite3 = require('sqlite3') as typeof Sqlite3;
    const db = new sqlite3.Database(':memory:');
    const row = await new Promise<unknown>((resolve, reject) =>
      db.get('SELECT sqlite_version() AS v', (error, r) => (error ? reject(error) : resolve(r))),
    );
    await new Promise<void>((resolve, reject) => db.close((error) => (error ? reject(error) : resolve())));
    expect(row).toMatchObject({ v: expect.stringMatching(/^3\.\d+\.\d+$/) });
  });

  it("serialport's binding answers an open (its list needs udev, which machines like CI's lack)", async () => {
    const { autoDetect } = require('@serialport/bindings-cpp') as typeof SerialBindings;
    // The message is the addon's own (serialport_unix.cpp): the native code ran.
    await expect(autoDetect().open({ path: '/nonexistent/booth-tty', baudRate: 9600 })).rejects.toThrow(
      /No such file or directory, cannot open \/nonexistent\/booth-tty/,
    );
  });

  it('node-hid lists devices, sync and async (its Linux builds link libusb: scripts/ensure-system-deps.mjs)', async () => {
    const HID = require('node-hid') as typeof NodeHid;
    expect(Array.isArray(HID.devices())).toBe(true);
    expect(Array.isArray(await HID.devicesAsync())).toBe(true);
  });
});
