import { fireEvent, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { App } from './App.js';
import { MESSAGES } from './i18n/messages.js';
import { FakeCore, renderWithCore } from './test-support/fake-core.js';
import { demoCatalog, kioskInfo } from './test-support/fixtures.js';

/**
 * The choose screen's code arrives only when the test says so, as on a slow start: the screens after the attract
 * screen are loaded on demand (visit/screens.ts), and a tap must not blank the screen while one loads.
 */
const gate = vi.hoisted(() => {
  let open = (): void => undefined;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open: () => open(), requested: false };
});
vi.mock('./citizen/ChooseScreen.js', async (importOriginal) => {
  gate.requested = true;
  await gate.opened;
  return importOriginal();
});

const zh = MESSAGES['zh-CN'];

describe('screens loaded on demand', () => {
  // Fails if the flow's screen changes are not transitions (the Suspense fallback would replace the attract
  // screen with nothing while the choose screen loads), or if the choose screen were in the entry again.
  it('keeps the attract screen on the glass until the next screen can draw', async () => {
    const core = new FakeCore({
      'kiosk.info': () => ({ value: kioskInfo }),
      'catalog.get': () => ({ value: demoCatalog }),
      'visit.get': () => ({ value: null }),
      'devices.status': () => ({ value: [] }),
      'kiosk.shown': () => ({ value: null }),
    });
    renderWithCore(<App />, core);
    const start = await screen.findByRole('button', { name: zh['attract.start'] });
    fireEvent.click(start);
    // The tap asked for the choose screen's code (not loaded before: it is not in the entry).
    await vi.waitFor(() => expect(gate.requested).toBe(true));
    expect(screen.getByRole('heading', { name: zh['app.title'] })).toBeTruthy();
    expect(screen.getByRole('button', { name: zh['attract.start'] })).toBeTruthy();

    gate.open();
    await screen.findByRole('heading', { name: zh['choose.title'] });
    expect(screen.queryByRole('button', { name: zh['attract.start'] })).toBeNull();
  });
});
