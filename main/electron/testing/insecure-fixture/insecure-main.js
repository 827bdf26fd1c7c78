/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS on purpose, like an old insecure app */
// A deliberately insecure Electron main file: the security scan's own test expects it to FAIL on this.
// Never imported or shipped; it only exists so the test can prove the scan detects HIGH findings.
const { BrowserWindow } = require('electron');

function open() {
  const win = new BrowserWindow({
    webPreferences: { nodeIntegration: true, contextIsolation: false, sandbox: false, webSecurity: false },
  });
  win.loadURL('http://example.invalid/');
  return win;
}

module.exports = { open };
