import { act, render, screen, waitFor } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { RpcChannel } from '../main/api/channel.js';
import { KioskPage } from './App.js';
import type * as Connection from './api/connection.js';
import { MESSAGES } from './i18n/messages.js';
import { FakeCore } from './test-support/fake-core.js';
import { demoCatalog, kioskInfo, visitAt } from './test-support/fixtures.js';

/**
 * The page's own connection handling (KioskProvider) with App on top: the transport (api/connection.ts, tested in
 * connection.test.ts) is replaced by channels to a fake core that the test drops and refuses.
 */
const transport = vi.hoisted(() => ({
  open: null as null | (() => Promise<RpcChannel>),
  replaced: false,
}));
vi.mock('./api/connection.js', async (importOriginal) => {
  const real = await importOriginal<typeof Connection>();
  return {
    ...real,
    openChannel: () => transport.open!(),
    sessionReplaced: () => transport.replaced,
  };
});

const zh = MESSAGES['zh-CN'];
const SERVICE = 'no-criminal-record';

function renderPage(): void {
  render(<KioskPage />);
}

describe('the page’s connection to the core', () => {
  let core: FakeCore;
  beforeEach(() => {
    transport.replaced = false;
    core = new FakeCore({
      'kiosk.info': () => ({ value: kioskInfo }),
      'catalog.get': () => ({ value: demoCatalog }),
      'visit.get': () => ({ value: visitAt('confirm', [SERVICE]) }),
      'devices.status': () => ({ value: [] }),
    });
    transport.open = () => Promise.resolve(core.connect());
  });

  // Fails if a dropped connection left the visit on the glass (a frozen screen whose taps go nowhere), if the
  // page did not reconnect, or if it did not pick up the visit the core holds afterwards.
  it('says it is connecting while the core is away, then shows the visit the core still holds', async () => {
    renderPage();
    await screen.findByRole('heading', { name: zh['confirm.title'] });
    act(() => core.drop());
    expect(screen.getByRole('status').textContent).toBe(zh['conn.connecting']);
    expect(screen.queryByRole('heading', { name: zh['confirm.title'] })).toBeNull();
    // The page retries by itself (after a second) and asks for the visit again on the new connection.
    await screen.findByRole('heading', { name: zh['confirm.title'] });
    // The visit may be drawn from the reconnect's events before the new connection's request is counted.
    await waitFor(() => expect(core.calls.filter((c) => c.method === 'visit.get')).toHaveLength(2));
  });

  it('says so when the core cannot be reached', async () => {
    transport.open = () => Promise.reject(new Error('connection refused'));
    renderPage();
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe(zh['conn.failed']));
  });

  // Fails if a window whose session another window took over reconnected (the two would fight over the kiosk).
  it('stays disconnected, and says why, once another window took the session over', async () => {
    renderPage();
    await screen.findByRole('heading', { name: zh['confirm.title'] });
    let opened = 0;
    transport.open = () => {
      opened += 1;
      return Promise.resolve(core.connect());
    };
    transport.replaced = true;
    // The page's clock from here: its reconnect delay (1 s, then 2 s after failures) passes at once.
    vi.useFakeTimers();
    try {
      act(() => core.drop());
      expect(screen.getByRole('status').textContent).toBe(zh['conn.replaced']);
      act(() => vi.advanceTimersByTime(10_000));
      expect(opened).toBe(0);
      expect(screen.getByRole('status').textContent).toBe(zh['conn.replaced']);
    } finally {
      vi.useRealTimers();
    }
  });
});
