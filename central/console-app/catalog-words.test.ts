import { describe, expect, it } from 'vitest';
import type { Catalog, CatalogService } from '../../contract/catalog/schema.js';
import { defaultCatalog } from '../../test/fixtures/catalog/helpers.js';
import { catalogChangesSchema, describeCatalogChanges, type CatalogChanges } from './catalog-words.js';

/** The diff an administrator reads before publishing: services and their changes in Chinese and English. */

function service(catalog: Catalog, id: string): CatalogService {
  const found = catalog.services.find((s) => s.id === id);
  if (!found) throw new Error(`no service ${id}`);
  return found;
}

function detailsOf(changes: CatalogChanges, id: string): { zh: string[]; en: string[] } {
  const change = changes.services.find((s) => s.id === id);
  return { zh: change?.details.map((d) => d.zh) ?? [], en: change?.details.map((d) => d.en) ?? [] };
}

describe('describeCatalogChanges', () => {
  it('says that nothing was published before, and lists every service as added', () => {
    const after = { ...defaultCatalog(), version: 2 };
    const changes = describeCatalogChanges(null, after);
    expect(changes.general[0]).toEqual({
      zh: '首次发布目录（版本 2）',
      en: 'first catalog published here (version 2)',
    });
    expect(changes.services).toHaveLength(after.services.length);
    expect(changes.services.every((s) => s.kind === 'added')).toBe(true);
    expect(changes.services[0]?.name).toEqual({
      zh: '户籍证明开具',
      en: 'Household registration certificate',
    });
    expect(catalogChangesSchema.parse(changes)).toEqual(changes);
  });

  it('names added and removed services, and only the version when nothing else changed', () => {
    const before = defaultCatalog();
    const same = describeCatalogChanges(before, { ...defaultCatalog(), version: 2 });
    expect(same).toEqual({
      general: [{ zh: '版本由 1 升至 2', en: 'version 1 → 2' }],
      services: [],
      other: [],
    });

    const after = { ...defaultCatalog(), version: 2 };
    const lost = after.services.findIndex((s) => s.id === 'lost-property');
    const [removed] = after.services.splice(lost, 1);
    after.services.push({
      ...service(before, 'violation-query'),
      id: 'parking-permit',
      name: { 'zh-CN': '停车许可申请', 'zh-HK': '泊車許可申請', en: 'Parking permit' },
    });
    const changes = describeCatalogChanges(before, after);
    expect(changes.services.map((s) => [s.kind, s.id, s.name.zh])).toEqual([
      ['added', 'parking-permit', '停车许可申请'],
      ['removed', 'lost-property', removed?.name['zh-CN']],
    ]);
  });

  it('says what changed in a service: name, form fields, requirements and policies', () => {
    const before = defaultCatalog();
    const after = { ...defaultCatalog(), version: 3 };
    const s = service(after, 'household-certificate');
    s.name = { ...s.name, 'zh-CN': '户籍证明', en: 'Household certificate' };
    const purpose = s.form.fields.find((f) => f.id === 'purpose');
    if (!purpose?.options) throw new Error('the fixture changed');
    purpose.options = purpose.options.filter((o) => o.value !== 'travel');
    s.form.fields = s.form.fields.filter((f) => f.id !== 'cardAddress');
    s.form.fields.push({
      id: 'phone',
      type: 'phone',
      label: { 'zh-CN': '联系电话', 'zh-HK': '聯絡電話', en: 'Phone' },
      required: true,
    });
    s.identity = 'id-card';
    s.eligibleCardTypes = ['resident', 'hmt-permit'];
    s.cardExpiry = 'accept-with-notice';
    s.fee = { amount: 20 };
    s.promises = [
      {
        kind: 'processed',
        withinMinutes: 1440,
        text: { 'zh-CN': '一日内办结', 'zh-HK': '一日內辦結', en: 'Done in a day' },
      },
    ];
    s.availability = {
      hours: [{ days: [1, 2, 3, 4, 5], from: '08:30', to: '17:30' }],
      kioskGroups: ['hk-macao-zone'],
    };
    s.requiredDocuments = [
      {
        id: 'photo',
        name: { 'zh-CN': '近期照片', 'zh-HK': '近期相片', en: 'Recent photo' },
        kind: 'photo',
        optional: false,
      },
    ];
    const { zh, en } = detailsOf(describeCatalogChanges(before, after), 'household-certificate');
    expect(zh).toEqual([
      '名称由「户籍证明开具」改为「户籍证明」',
      '身份核验由「刷身份证并人脸核验」改为「刷身份证」',
      '新增可用证件：港澳台居民居住证',
      '新增必需材料「近期照片」',
      '表单新增必填字段「联系电话」',
      '表单删除字段「户籍地址」',
      '字段「用途」：删除选项「出国（境）」',
      '过期证件由「拒绝」改为「接受并提示」',
      '费用由「免费」改为「20 元」',
      '新增服务承诺「一日内办结」（1 天内）',
      '开放时间由「全天开放」改为「周一至周五 08:30–17:30」',
      '提供范围由「全部终端」改为「港澳居民服务专区」',
    ]);
    expect(en).toContain('name changed from “Household registration certificate” to “Household certificate”');
    expect(en).toContain('form: new required field “Phone”');
    expect(en).toContain('fee from free to ¥20');
    expect(en).toContain("offered at every kiosk → Hong Kong and Macao residents' zone");
  });

  it('describes changed form fields, urgency, promises and the signed audience', () => {
    const before = defaultCatalog();
    const after = { ...defaultCatalog(), version: 4, audience: { kioskGroups: ['hk-macao-zone'] } };
    const mailbox = service(after, 'chief-mailbox');
    const first = mailbox.promises[0];
    if (!first) throw new Error('the fixture changed');
    mailbox.promises = [{ ...first, withinMinutes: first.withinMinutes * 2 }, ...mailbox.promises.slice(1)];
    const field = mailbox.form.fields.find((f) => !f.required);
    if (field) field.required = true;
    const lost = service(after, 'lost-property');
    lost.urgent = !lost.urgent;
    const changes = describeCatalogChanges(before, after);
    expect(changes.general).toContainEqual({
      zh: '签名限定的适用范围由「全部终端」改为「终端分组 港澳居民服务专区」',
      en: "signed audience from every kiosk to kiosk groups Hong Kong and Macao residents' zone",
    });
    const mail = detailsOf(changes, 'chief-mailbox').zh;
    expect(mail.some((line) => /^服务承诺「.+」时限由 .+ 改为 .+$/.test(line))).toBe(true);
    if (field) expect(mail).toContain(`字段「${field.label['zh-CN']}」：改为必填`);
    expect(detailsOf(changes, 'lost-property').zh).toEqual([
      lost.urgent ? '改为紧急业务（优先上报）' : '不再作为紧急业务',
    ]);
  });

  it('lists categories, kiosk groups and notices that come and go', () => {
    const before = defaultCatalog();
    const after = { ...defaultCatalog(), version: 5 };
    after.notices = after.notices.slice(1);
    after.kioskGroups = [
      ...after.kioskGroups,
      {
        id: 'airport',
        name: { 'zh-CN': '机场', 'zh-HK': '機場', en: 'Airport' },
        description: { 'zh-CN': '机场航站楼', 'zh-HK': '機場客運大樓', en: 'Airport terminals' },
      },
    ];
    const changes = describeCatalogChanges(before, after);
    expect(changes.other.map((o) => o.zh)).toEqual([
      '新增终端分组「机场」(airport)',
      `删除公告「${before.notices[0]?.title['zh-CN']}」`,
    ]);
  });
});
