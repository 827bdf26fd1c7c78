import type { BrowserWindowConstructorOptions } from 'electron';

/** What the kiosk window's options depend on. */
export interface KioskWindowSettings {
  /** Absolute path of the built preload (dist/main/electron/preload.cjs). */
  readonly preloadPath: string;
  /** Production: devtools off. */
  readonly production: boolean;
}

/** The window background, shown before the first paint; matches the renderer's --bg so there is no flash. */
export const KIOSK_BACKGROUND = '#f3f6fb';

/**
 * The kiosk BrowserWindow options. Every webPreferences flag is spelled out even where it equals
 * Electron's default, so a changed default or a careless edit shows up in review and in the unit test.
 */
export function kioskWindowOptions(settings: KioskWindowSettings): BrowserWindowConstructorOptions {
  return {
    title: 'Smart Police Booth',
    show: false,
    fullscreen: true,
    kiosk: true,
    autoHideMenuBar: true,
    frame: false,
    resizable: false,
    movable: false,
    minimizable: false,
    maximizable: false,
    closable: !settings.production,
    fullscreenable: true,
    skipTaskbar: settings.production,
    backgroundColor: KIOSK_BACKGROUND,
    webPreferences: {
      preload: settings.preloadPath,
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
      devTools: !settings.production,
      navigateOnDragDrop: false,
      safeDialogs: true,
      disableDialogs: settings.production,
      autoplayPolicy: 'no-user-gesture-required',
      zoomFactor: 1,
      enableWebSQL: false,
      backgroundThrottling: false,
    },
  };
}
