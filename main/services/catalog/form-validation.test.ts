import { describe, expect, it } from 'vitest';
import { defaultCatalog } from '../../../test/fixtures/catalog/helpers.js';
import { validateForm } from './form-validation.js';

const mailbox = defaultCatalog().services.find((s) => s.id === 'chief-mailbox');

describe('validateForm', () => {
  it('checks the chief mailbox letter form: every field, and keys the service does not ask for', () => {
    if (!mailbox) throw new Error('the default catalog has no chief-mailbox service');
    const good = {
      name: '张三',
      letterKind: 'complaint',
      subject: '噪音扰民',
      body: '小区附近工地夜间施工，噪音很大，影响休息。',
      phone: '13800138000',
    };
    expect(validateForm(mailbox.form.fields, good)).toEqual([]);
    const errors = validateForm(mailbox.form.fields, {
      ...good,
      letterKind: 'praise',
      phone: '',
      extra: 'x',
    });
    expect(errors).toEqual(
      expect.arrayContaining([
        { fieldId: 'extra', code: 'unknown-field' },
        { fieldId: 'letterKind', code: 'not-an-option' },
        { fieldId: 'phone', code: 'required' },
      ]),
    );
    expect(errors).toHaveLength(3);
  });

  it('reports the bound a value broke, and judges the trimmed text', () => {
    if (!mailbox) throw new Error('the default catalog has no chief-mailbox service');
    const subject = mailbox.form.fields.find((f) => f.id === 'subject');
    const max = subject?.validation?.maxLength;
    if (max === undefined) throw new Error('the mailbox subject has no maximum length');
    const errors = validateForm(mailbox.form.fields, {
      name: '  张三  ',
      letterKind: 'complaint',
      subject: '长'.repeat(max + 1),
      body: '小区附近工地夜间施工，噪音很大，影响休息。',
      phone: '13800138000',
    });
    expect(errors).toEqual([{ fieldId: 'subject', code: 'too-long', limit: max }]);
  });
});
