import { fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { VisitView } from '../main/api/views.js';
import { App } from './App.js';
import { MESSAGES } from './i18n/messages.js';
import { FakeCore, renderWithCore, type Handlers } from './test-support/fake-core.js';
import { demoCatalog, identity, kioskInfo, visitAt } from './test-support/fixtures.js';

const zh = MESSAGES['zh-CN'];
const SERVICE = 'no-criminal-record';

/** A core holding `visit`, answering what the page asks of every screen. */
function coreWith(visit: VisitView | null, more: Handlers = {}): FakeCore {
  return new FakeCore({
    'kiosk.info': () => ({ value: kioskInfo }),
    'catalog.get': () => ({ value: demoCatalog }),
    'visit.get': () => ({ value: visit }),
    'devices.status': () => ({ value: [] }),
    'kiosk.shown': () => ({ value: null }),
    'visit.touch': () => ({ value: null }),
    ...more,
  });
}

describe('the kiosk page', () => {
  // Fails if Back drops what was read (no kept card to go on with) or what was typed (the phone number gone when
  // the citizen comes back to the form), i.e. if the forms were wiped on Back or the identify step ignored the
  // identity the core kept.
  it('keeps the card read and the values typed across Back, back to the identify step and forward again', async () => {
    const form = visitAt('form', [SERVICE]);
    const confirm = visitAt('confirm', [SERVICE]);
    const identify = visitAt('identify', [SERVICE], { identity });
    const core = coreWith(form, {
      'visit.back': () => ({ value: core.paramsOf('visit.back').length === 1 ? confirm : identify }),
      'visit.proceed': () => ({ value: core.paramsOf('visit.proceed').length === 1 ? confirm : form }),
    });
    renderWithCore(<App />, core);

    await screen.findByRole('heading', { name: zh['form.title'] });
    const phone = (): HTMLInputElement => document.getElementById(`f-${SERVICE}-phone`) as HTMLInputElement;
    fireEvent.change(phone(), { target: { value: '13800138000' } });

    fireEvent.click(screen.getByRole('button', { name: zh['nav.back'] }));
    await screen.findByRole('heading', { name: zh['confirm.title'] });
    fireEvent.click(screen.getByRole('button', { name: zh['nav.back'] }));
    await screen.findByRole('heading', { name: zh['identify.title'] });
    // The card read before is offered, by name and masked number only.
    expect(
      screen.getByText(
        zh['identify.keptCard'].replace('{name}', identity.name).replace('{number}', identity.idNumberMasked),
      ),
    ).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: zh['identify.useKept'] }));
    await screen.findByRole('heading', { name: zh['confirm.title'] });
    fireEvent.click(screen.getByRole('button', { name: zh['nav.continue'] }));
    await screen.findByRole('heading', { name: zh['form.title'] });
    expect(phone().value).toBe('13800138000');
    expect(core.paramsOf('visit.back')).toHaveLength(2);
  });

  // Fails if a visit ended by the core (an idle wipe elsewhere) left the visit, its language or what was typed.
  it('wipes the visit when the core ends it, back to the attract screen in Chinese', async () => {
    const core = coreWith(visitAt('form', [SERVICE]));
    renderWithCore(<App />, core);
    await screen.findByRole('heading', { name: zh['form.title'] });
    fireEvent.click(screen.getByRole('button', { name: 'English' }));
    await screen.findByRole('heading', { name: MESSAGES.en['form.title'] });
    core.emit('visit.changed', null);
    await screen.findByRole('button', { name: zh['attract.start'] });
    expect(screen.queryByRole('heading', { name: MESSAGES.en['form.title'] })).toBeNull();
  });

  it('goes from the attract screen to choosing and back', async () => {
    renderWithCore(<App />, coreWith(null));
    fireEvent.click(await screen.findByRole('button', { name: zh['attract.start'] }));
    await screen.findByRole('heading', { name: zh['choose.title'] });
    fireEvent.click(screen.getByRole('button', { name: zh['nav.back'] }));
    await waitFor(() => expect(screen.getByRole('button', { name: zh['attract.start'] })).toBeTruthy());
  });
});
