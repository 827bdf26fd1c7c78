/**
 * Speech in the e2e tests: the platform's speech synthesis replaced in the page with a recorder (headless
 * Chromium has no voice to listen to), and what was said so far.
 */
import type { Page } from '@playwright/test';

/** What the kiosk said aloud, recorded in the page in place of the platform's voice. */
export interface SpeechLog {
  readonly spoken: string[];
  cancels: number;
}

/** Replaces speech synthesis in the page with a recorder (headless Chromium has no voice to listen to). */
export async function recordSpeech(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const log: SpeechLog = { spoken: [], cancels: 0 };
    const w = globalThis as unknown as {
      __speech: SpeechLog;
      speechSynthesis?: { speak(u: { text: string }): void; cancel(): void };
      SpeechSynthesisUtterance?: unknown;
    };
    w.__speech = log;
    const synth = {
      speak: (u: { text: string }) => void log.spoken.push(u.text),
      cancel: () => void (log.cancels += 1),
    };
    Object.defineProperty(globalThis, 'speechSynthesis', { value: synth, configurable: true });
    if (!w.SpeechSynthesisUtterance) {
      Object.defineProperty(globalThis, 'SpeechSynthesisUtterance', {
        value: class {
          lang = '';
          rate = 1;
          constructor(readonly text: string) {}
        },
        configurable: true,
      });
    }
  });
}

/** Everything said aloud so far, as one text. */
export async function spoken(page: Page): Promise<string> {
  return page.evaluate(() => (globalThis as unknown as { __speech: SpeechLog }).__speech.spoken.join('\n'));
}
