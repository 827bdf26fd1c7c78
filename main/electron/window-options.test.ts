import { describe, expect, it } from 'vitest';
import { KIOSK_BACKGROUND, kioskWindowOptions } from './window-options.js';

describe('kiosk window options', () => {
  const production = kioskWindowOptions({
    preloadPath: '/app/dist/main/electron/preload.cjs',
    production: true,
  });
  const development = kioskWindowOptions({ preloadPath: '/p.cjs', production: false });

  it('is a fullscreen kiosk window without menu, shown when ready', () => {
    expect(production).toMatchObject({
      fullscreen: true,
      kiosk: true,
      autoHideMenuBar: true,
      show: false,
      backgroundColor: KIOSK_BACKGROUND,
      frame: false,
      resizable: false,
    });
  });

  it('sets every security-relevant webPreferences flag explicitly', () => {
    expect(production.webPreferences).toMatchObject({
      preload: '/app/dist/main/electron/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      spellcheck: false,
      devTools: false,
      navigateOnDragDrop: false,
      enableWebSQL: false,
    });
  });

  it('allows devtools only outside production', () => {
    expect(development.webPreferences?.devTools).toBe(true);
    expect(development.webPreferences?.sandbox).toBe(true);
    expect(development.webPreferences?.contextIsolation).toBe(true);
    expect(production.closable).toBe(false);
  });
});
