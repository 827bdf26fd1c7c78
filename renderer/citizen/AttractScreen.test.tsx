import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { DeviceStatusView } from '../../main/api/views.js';
import { MESSAGES } from '../i18n/messages.js';
import { FakeCore, renderWithCore } from '../test-support/fake-core.js';
import { demoCatalog } from '../test-support/fixtures.js';
import { AttractScreen } from './AttractScreen.js';

const zh = MESSAGES['zh-CN'];

const printer = (status: DeviceStatusView['status'], paperLow = false): DeviceStatusView => ({
  kind: 'printer',
  status,
  connection: 'simulated',
  paperLow,
});

function renderAttract(printerNow: DeviceStatusView): { core: FakeCore; onStart: () => void } {
  const core = new FakeCore({ 'devices.status': () => ({ value: [printerNow] }) });
  const onStart = vi.fn();
  renderWithCore(<AttractScreen catalog={demoCatalog} onStart={onStart} onCheckProgress={vi.fn()} />, core);
  return { core, onStart };
}

describe('attract screen', () => {
  // Fails if the paper notice is dropped from the attract screen, if paper-end is not read as "out", or if the
  // notice does not follow the printer's pushed status.
  it('says before a visit that receipts are QR only while the printer is out of paper, until paper is back', async () => {
    const { core } = renderAttract(
      printer({ state: 'error', code: 'paper-end' } as DeviceStatusView['status']),
    );
    const notice = await screen.findByText(zh['paper.qrOnly']);
    expect(notice.closest('[role="status"]')?.textContent).toContain(zh['paper.out']);

    act(() => core.emit('device.status', printer({ state: 'online' } as DeviceStatusView['status'], true)));
    await screen.findByText(zh['paper.low']);
    expect(screen.queryByText(zh['paper.qrOnly'])).toBeNull();

    act(() => core.emit('device.status', printer({ state: 'online' } as DeviceStatusView['status'])));
    await waitFor(() => expect(screen.queryByText(zh['paper.low'])).toBeNull());
  });

  it('says the printer is unavailable when it is offline, and shows the catalog’s notices', async () => {
    renderAttract(printer({ state: 'offline' } as DeviceStatusView['status']));
    await screen.findByText(zh['paper.unavailable']);
    for (const notice of demoCatalog.notices) expect(screen.getByText(notice.title['zh-CN'])).toBeTruthy();
  });

  it('starts a visit on the one obvious button', () => {
    const { onStart } = renderAttract(printer({ state: 'online' } as DeviceStatusView['status']));
    fireEvent.click(screen.getByRole('button', { name: zh['attract.start'] }));
    expect(onStart).toHaveBeenCalledOnce();
  });
});
