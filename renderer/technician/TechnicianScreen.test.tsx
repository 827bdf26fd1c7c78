import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { TechnicianOverview } from '../../main/api/views.js';
import { MESSAGES } from '../i18n/messages.js';
import { FakeCore, renderWithCore } from '../test-support/fake-core.js';
import { TechnicianScreen } from './TechnicianScreen.js';

const zh = MESSAGES['zh-CN'];

const overview = {
  version: '0.1.0',
  kioskId: 'SZ-FT-0012',
  mode: 'demonstration',
  modeReason: 'BOOTH_SIMULATE=1',
  service: { state: 'in-service' },
  devices: [],
  catalog: {
    appliedVersion: 3,
    appliedSource: 'applied',
    stagedVersion: null,
    lastRejection: null,
    expiresAt: null,
    expired: false,
    floorVersion: 2,
    trustedKeyIds: ['k1'],
    refusedKeyFiles: [],
  },
  sync: null,
  audit: [],
} as unknown as TechnicianOverview;

/** Taps digits on the on-screen pad: only buttons named by the digit, no typing into the field. */
function tapDigits(digits: string): void {
  const pad = screen.getByRole('group', { name: zh['osk.label'] });
  for (const d of digits) fireEvent.click(within(pad).getByRole('button', { name: d }));
}

describe('technician sign-in', () => {
  // Fails if the PIN field stops being a keyboard field (no pad), the PIN is not sent as tapped, or a refused
  // PIN's attempts left / lockout end are not shown.
  it('takes the PIN on the digit pad, says what is left after a wrong one, and opens the overview', async () => {
    const answers = [
      {
        signedIn: false,
        reason: 'wrong-pin',
        messageKey: 'technician.wrong-pin',
        attemptsLeft: 2,
        lockedUntil: null,
      },
      {
        signedIn: false,
        reason: 'locked',
        messageKey: 'technician.locked',
        attemptsLeft: 0,
        lockedUntil: new Date(2026, 11, 1, 9, 5).getTime(),
      },
      { signedIn: true, expiresAt: Date.now() + 60_000 },
    ] as const;
    const core: FakeCore = new FakeCore({
      'technician.login': () => ({ value: answers[core.paramsOf('technician.login').length - 1]! }),
      'technician.overview': () => ({ value: overview }),
      'technician.logout': () => ({ value: null }),
    });
    const onClose = vi.fn();
    renderWithCore(<TechnicianScreen onClose={onClose} />, core);

    const signIn = screen.getByRole('button', { name: zh['tech.signIn'] });
    expect(signIn).toHaveProperty('disabled', true);
    const field = screen.getByLabelText(zh['tech.pin']);
    field.focus();
    // The pad appears once focus has settled (after the tap that moved it).
    await screen.findByRole('group', { name: zh['osk.label'] });
    tapDigits('1234');
    expect(field).toHaveProperty('value', '1234');
    expect(signIn).toHaveProperty('disabled', false);
    fireEvent.click(signIn);
    const wrong = await screen.findByRole('alert');
    expect(wrong.textContent).toContain(zh['tech.attemptsLeft'].replace('{count}', '2'));
    expect(core.paramsOf('technician.login')).toEqual([{ pin: '1234' }]);
    // The PIN never stays in the field after a try.
    expect(field).toHaveProperty('value', '');

    field.focus();
    tapDigits('0000');
    fireEvent.click(signIn);
    await waitFor(() =>
      expect(screen.getByRole('alert').textContent).toContain(
        zh['tech.lockedUntil'].replace('{time}', '09:05'),
      ),
    );

    tapDigits('000000');
    fireEvent.click(signIn);
    await screen.findByText(/SZ-FT-0012/);
    expect(core.paramsOf('technician.login')).toEqual([{ pin: '1234' }, { pin: '0000' }, { pin: '000000' }]);
    expect(core.calls.some((c) => c.method === 'technician.overview')).toBe(true);

    fireEvent.click(screen.getByRole('button', { name: zh['tech.signOut'] }));
    expect(onClose).toHaveBeenCalledOnce();
    await waitFor(() => expect(core.paramsOf('technician.logout')).toHaveLength(1));
  });
});
