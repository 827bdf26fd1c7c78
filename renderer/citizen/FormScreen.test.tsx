import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { useState, type ReactNode } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { MESSAGES } from '../i18n/messages.js';
import { FakeCore, renderWithCore } from '../test-support/fake-core.js';
import { demoCatalog, visitAt } from '../test-support/fixtures.js';
import { FormScreen, type Forms } from './FormScreen.js';

const zh = MESSAGES['zh-CN'];
const SERVICE = 'no-criminal-record';
// Name and ID number come from the card; purpose (choices), receiving unit (optional) and phone are typed.
const visit = visitAt('form', [SERVICE], {
  prefill: {
    [SERVICE]: {
      name: { value: '张三', masked: false },
      idNumber: { value: '1101**********0015', masked: true },
    },
  },
});

type Submit = Parameters<typeof FormScreen>[0]['onSubmit'];

/** The form screen as the visit flow holds it: what is typed lives above the screen. */
function Harness({ onSubmit }: { readonly onSubmit: Submit }): ReactNode {
  const [forms, setForms] = useState<Forms>({});
  return (
    <FormScreen
      visit={visit}
      catalog={demoCatalog}
      forms={forms}
      onFormsChange={setForms}
      onSubmit={onSubmit}
      onBack={vi.fn()}
      onCancel={vi.fn()}
    />
  );
}

const summary = (): HTMLElement =>
  screen.getByText(zh['form.errorSummary'].replace('{count}', '2')).closest('[role="alert"]') as HTMLElement;

describe('form screen', () => {
  // Fails if the summary lists fewer than every refused field, if it is not in screen order, or if the first
  // refused field is not focused (the citizen would not see where to start).
  it('lists every refused field in screen order, focuses the first, and takes the citizen to any of them', async () => {
    const onSubmit = vi.fn<Submit>(async () => null);
    renderWithCore(<Harness onSubmit={onSubmit} />, new FakeCore({}));
    fireEvent.click(screen.getByRole('button', { name: zh['form.submit'] }));

    const items = within(summary()).getAllByRole('button');
    expect(items.map((b) => b.textContent?.split('：')[0])).toEqual(['用途', '联系电话']);
    // Pre-filled from the card: not asked for, not refused.
    expect(within(summary()).queryByText(/姓名|证件号码/)).toBeNull();
    // The first choice of the first refused field (a group of choices) has the focus.
    await waitFor(() => expect(document.activeElement).toBe(screen.getByRole('radio', { name: '就业' })));
    expect(onSubmit).not.toHaveBeenCalled();

    fireEvent.click(items[1]!);
    expect(document.activeElement?.id).toBe(`f-${SERVICE}-phone`);
  });

  // Fails if refusals from the core are shown in the core's order or the focus stays where it was.
  it('shows the core’s refusals the same way, in screen order', async () => {
    const onSubmit = vi.fn<Submit>(async () => [
      { serviceId: SERVICE, fieldId: 'phone', code: 'pattern' },
      { serviceId: SERVICE, fieldId: 'purpose', code: 'not-an-option' },
    ]);
    renderWithCore(<Harness onSubmit={onSubmit} />, new FakeCore({}));
    fireEvent.click(screen.getByRole('radio', { name: '留学' }));
    const phone = document.getElementById(`f-${SERVICE}-phone`) as HTMLInputElement;
    fireEvent.change(phone, { target: { value: '13800138000' } });
    fireEvent.click(screen.getByRole('button', { name: zh['form.submit'] }));

    await waitFor(() => expect(onSubmit).toHaveBeenCalledOnce());
    expect(onSubmit.mock.calls[0]![0]).toEqual({ [SERVICE]: { purpose: 'study', phone: '13800138000' } });
    const items = await waitFor(() => within(summary()).getAllByRole('button'));
    expect(items.map((b) => b.textContent?.split('：')[0])).toEqual(['用途', '联系电话']);
    await waitFor(() => expect(document.activeElement).toBe(screen.getByRole('radio', { name: '留学' })));
  });
});
