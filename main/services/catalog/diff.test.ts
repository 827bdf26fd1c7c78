import { describe, expect, it } from 'vitest';
import { defaultCatalog } from '../../../test/fixtures/catalog/helpers.js';
import { diffCatalogs, formatCatalogDiff } from './diff.js';

describe('diffCatalogs', () => {
  it('finds nothing between equal catalogs', () => {
    const d = diffCatalogs(defaultCatalog(), defaultCatalog());
    expect(formatCatalogDiff(d)).toEqual(['no differences']);
  });

  it('names added, removed and changed services, with the changed properties and fields', () => {
    const before = defaultCatalog();
    const after = defaultCatalog();
    after.version = 2;
    const removed = after.services.splice(1, 1)[0];
    const added = structuredClone(after.services[0]!);
    added.id = 'new-service';
    after.services.push(added);
    const mailbox = after.services.find((s) => s.id === 'chief-mailbox')!;
    mailbox.fee = { amount: 5 };
    mailbox.form.fields = mailbox.form.fields.filter((f) => f.id !== 'phone');
    mailbox.form.fields.find((f) => f.id === 'subject')!.required = false;
    mailbox.form.fields.push({
      id: 'email',
      type: 'text',
      label: { 'zh-CN': '邮箱', 'zh-HK': '電郵', en: 'Email' },
      required: false,
    });
    after.notices[0]!.severity = 'info';

    const d = diffCatalogs(before, after);
    expect(d.header).toEqual([{ key: 'version', from: 1, to: 2 }]);
    expect(d.services.added).toEqual(['new-service']);
    expect(d.services.removed).toEqual([removed?.id]);
    expect(d.services.changed).toEqual([
      {
        id: 'chief-mailbox',
        changed: [
          'fee',
          'form.fields[subject] (required)',
          'form.fields[email] added',
          'form.fields[phone] removed',
        ],
      },
    ]);
    expect(d.notices.changed).toEqual([{ id: before.notices[0]!.id, changed: ['severity'] }]);
    const text = formatCatalogDiff(d).join('\n');
    expect(text).toContain('version: 1 -> 2');
    expect(text).toContain('  + new-service (added)');
    expect(text).toContain(`  - ${removed?.id} (removed)`);
    expect(text).toContain(
      '  ~ chief-mailbox: fee; form.fields[subject] (required); form.fields[email] added; form.fields[phone] removed',
    );
  });
});
