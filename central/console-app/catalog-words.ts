import { z } from 'zod';
import type {
  Catalog,
  CatalogField,
  CatalogOpeningHours,
  CatalogService,
  LocalizedText,
} from '../../contract/catalog/schema.js';

/**
 * What changed between the published catalog and an uploaded one, in words, in the console's language (Chinese
 * with its English beside it): services added, removed and changed, and for a changed service what changed —
 * its name, form fields, requirements (identity, cards, documents, photo) and policies (expired cards, fees,
 * promises, urgency, opening hours, kiosk groups). Pure, so the server computes it (central/console-catalogs.ts)
 * and the unit tests read it; it lives in the console app's folder because the console's font subset is cut
 * from this folder's characters (scripts/fonts/console-fonts.ts).
 */

/** One statement in Chinese and English. */
export interface Words {
  readonly zh: string;
  readonly en: string;
}

/** One service that was added, removed or changed, with what changed. */
export interface ServiceChange {
  readonly kind: 'added' | 'removed' | 'changed';
  readonly id: string;
  /** Its name (the new catalog's, or the old one's for a removed service). */
  readonly name: Words;
  /** What changed (empty for added and removed services). */
  readonly details: readonly Words[];
}

/** The whole difference. */
export interface CatalogChanges {
  /** Version, validity, publisher, demonstration marking, signed audience. */
  readonly general: readonly Words[];
  readonly services: readonly ServiceChange[];
  /** Categories, kiosk groups and idle-screen notices. */
  readonly other: readonly Words[];
}

const wordsSchema = z.object({ zh: z.string(), en: z.string() });
/** The wire form of {@link CatalogChanges} (the console app checks the server's answer with it). */
export const catalogChangesSchema = z.object({
  general: z.array(wordsSchema),
  services: z.array(
    z.object({
      kind: z.enum(['added', 'removed', 'changed']),
      id: z.string(),
      name: wordsSchema,
      details: z.array(wordsSchema),
    }),
  ),
  other: z.array(wordsSchema),
});

function w(zh: string, en: string): Words {
  return { zh, en };
}

function nameOf(text: LocalizedText | undefined, fallback: string): Words {
  return { zh: text?.['zh-CN'] ?? fallback, en: text?.en ?? fallback };
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
    );
  return value;
}

const IDENTITY: Record<string, Words> = {
  none: w('无需身份证', 'no ID card'),
  'id-card': w('刷身份证', 'ID card'),
  'id-card+face': w('刷身份证并人脸核验', 'ID card and face check'),
};
const CARD: Record<string, Words> = {
  resident: w('居民身份证', 'resident ID card'),
  'hmt-permit': w('港澳台居民居住证', 'HK/Macao/Taiwan residence permit'),
  foreigner: w('外国人永久居留身份证', 'foreign permanent resident ID card'),
  'foreigner-2023': w('2023 版外国人永久居留身份证', '2023 foreign permanent resident ID card'),
};
const EXPIRY: Record<string, Words> = {
  refuse: w('拒绝', 'refused'),
  'accept-with-notice': w('接受并提示', 'accepted with a notice'),
};
const OUTPUT: Record<string, Words> = {
  receipt: w('回执', 'receipt'),
  certificate: w('证明', 'certificate'),
  'letter-copy': w('信件副本', 'copy of the letter'),
};
const FIELD_TYPE: Record<string, Words> = {
  text: w('文本', 'text'),
  textarea: w('多行文本', 'long text'),
  digits: w('数字', 'digits'),
  phone: w('电话', 'phone'),
  date: w('日期', 'date'),
  select: w('选择', 'choice'),
  checkbox: w('勾选', 'checkbox'),
};
const PREFILL: Record<string, Words> = {
  name: w('姓名', 'name'),
  sex: w('性别', 'sex'),
  birthDate: w('出生日期', 'date of birth'),
  idNumber: w('证件号码', 'ID number'),
  address: w('住址', 'address'),
  nationality: w('国籍', 'nationality'),
  englishName: w('英文姓名', 'English name'),
  passNumber: w('通行证号码', 'permit number'),
};
const SEVERITY: Record<string, Words> = {
  info: w('提示', 'info'),
  warning: w('警告', 'warning'),
  critical: w('严重', 'critical'),
};

function word(table: Record<string, Words>, key: string | undefined, none: Words): Words {
  if (key === undefined) return none;
  return table[key] ?? w(key, key);
}

function joinWords(list: readonly Words[]): Words {
  return w(list.map((x) => x.zh).join('、'), list.map((x) => x.en).join(', '));
}

/** `30 分钟` / `30 min`, `2 小时` / `2 h`, `7 天` / `7 days`. */
function duration(minutes: number): Words {
  if (minutes % 1440 === 0) return w(`${minutes / 1440} 天`, `${minutes / 1440} days`);
  if (minutes % 60 === 0) return w(`${minutes / 60} 小时`, `${minutes / 60} h`);
  return w(`${minutes} 分钟`, `${minutes} min`);
}

const DAY_ZH = ['', '一', '二', '三', '四', '五', '六', '日'];
const DAY_EN = ['', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** Opening hours in words: runs of days, then the times (`周一至周五 08:30–17:30`). */
function hoursWords(hours: readonly CatalogOpeningHours[] | undefined): Words {
  if (!hours || hours.length === 0) return w('全天开放', 'always open');
  const parts = hours.map((rule) => {
    const days = [...new Set(rule.days)].sort((a, b) => a - b);
    const runs: [number, number][] = [];
    for (const day of days) {
      const last = runs.at(-1);
      if (last && day === last[1] + 1) last[1] = day;
      else runs.push([day, day]);
    }
    const zh = runs
      .map(([a, b]) => (a === b ? `周${DAY_ZH[a]}` : `周${DAY_ZH[a]}至周${DAY_ZH[b]}`))
      .join('、');
    const en = runs.map(([a, b]) => (a === b ? DAY_EN[a] : `${DAY_EN[a]}–${DAY_EN[b]}`)).join(', ');
    return w(`${zh} ${rule.from}–${rule.to}`, `${en} ${rule.from}–${rule.to}`);
  });
  return w(parts.map((p) => p.zh).join('；'), parts.map((p) => p.en).join('; '));
}

function feeWords(fee: CatalogService['fee']): Words {
  return fee === null || fee.amount === 0 ? w('免费', 'free') : w(`${fee.amount} 元`, `¥${fee.amount}`);
}

function groupNames(catalog: Catalog, ids: readonly string[] | undefined, none: Words): Words {
  if (!ids || ids.length === 0) return none;
  return joinWords(ids.map((id) => nameOf(catalog.kioskGroups.find((g) => g.id === id)?.name, id)));
}

function audienceWords(catalog: Catalog): Words {
  const audience = catalog.audience;
  if (!audience) return w('全部终端', 'every kiosk');
  const parts: Words[] = [];
  if (audience.kioskGroups?.length)
    parts.push(
      w(
        `终端分组 ${groupNames(catalog, audience.kioskGroups, w('', '')).zh}`,
        `kiosk groups ${groupNames(catalog, audience.kioskGroups, w('', '')).en}`,
      ),
    );
  if (audience.kioskIds?.length)
    parts.push(w(`终端 ${audience.kioskIds.join('、')}`, `kiosks ${audience.kioskIds.join(', ')}`));
  return w(parts.map((p) => p.zh).join('；'), parts.map((p) => p.en).join('; '));
}

/** Items present in one list and not the other, by id, in the new list's order. */
function byId<T extends { id: string }>(
  before: readonly T[],
  after: readonly T[],
): { added: T[]; removed: T[]; changed: [T, T][]; reordered: boolean } {
  const old = new Map(before.map((item) => [item.id, item]));
  const next = new Map(after.map((item) => [item.id, item]));
  const changed: [T, T][] = [];
  for (const item of after) {
    const previous = old.get(item.id);
    if (previous && !same(previous, item)) changed.push([previous, item]);
  }
  const common = (list: readonly T[], other: Map<string, T>): string[] =>
    list.filter((item) => other.has(item.id)).map((item) => item.id);
  return {
    added: after.filter((item) => !old.has(item.id)),
    removed: before.filter((item) => !next.has(item.id)),
    changed,
    reordered: !same(common(before, next), common(after, old)),
  };
}

function fieldChanges(a: CatalogField, b: CatalogField): Words[] {
  const out: Words[] = [];
  if (!same(a.label, b.label)) out.push(w(`名称改为「${b.label['zh-CN']}」`, `label now “${b.label.en}”`));
  if (a.type !== b.type) {
    const [x, y] = [word(FIELD_TYPE, a.type, w('', '')), word(FIELD_TYPE, b.type, w('', ''))];
    out.push(w(`类型由${x.zh}改为${y.zh}`, `type from ${x.en} to ${y.en}`));
  }
  if (a.required !== b.required)
    out.push(b.required ? w('改为必填', 'now required') : w('改为选填', 'now optional'));
  if (!same(a.validation, b.validation)) out.push(w('输入校验规则已修改', 'input rules changed'));
  if (!same(a.options, b.options)) {
    const diff = byId(
      (a.options ?? []).map((o) => ({ ...o, id: o.value })),
      (b.options ?? []).map((o) => ({ ...o, id: o.value })),
    );
    const parts: Words[] = [];
    if (diff.added.length)
      parts.push(
        w(
          `新增选项${diff.added.map((o) => `「${o.label['zh-CN']}」`).join('')}`,
          `options added: ${diff.added.map((o) => `“${o.label.en}”`).join(', ')}`,
        ),
      );
    if (diff.removed.length)
      parts.push(
        w(
          `删除选项${diff.removed.map((o) => `「${o.label['zh-CN']}」`).join('')}`,
          `options removed: ${diff.removed.map((o) => `“${o.label.en}”`).join(', ')}`,
        ),
      );
    if (diff.changed.length || diff.reordered || parts.length === 0)
      parts.push(w('选项文字或顺序已修改', 'option texts or order changed'));
    out.push(...parts);
  }
  if (a.prefill !== b.prefill) {
    const none = w('不预填', 'none');
    const [x, y] = [word(PREFILL, a.prefill, none), word(PREFILL, b.prefill, none)];
    out.push(w(`预填来源由「${x.zh}」改为「${y.zh}」`, `prefilled from ${x.en} → ${y.en}`));
  }
  if (!same(a.hint, b.hint)) out.push(w('提示文字已修改', 'hint changed'));
  if (a.inputMethod !== b.inputMethod) out.push(w('输入键盘已修改', 'keyboard changed'));
  return out;
}

function formChanges(a: CatalogService, b: CatalogService): Words[] {
  const diff = byId(a.form.fields, b.form.fields);
  const out: Words[] = [];
  for (const field of diff.added)
    out.push(
      w(
        `表单新增${field.required ? '必填' : '选填'}字段「${field.label['zh-CN']}」`,
        `form: new ${field.required ? 'required' : 'optional'} field “${field.label.en}”`,
      ),
    );
  for (const field of diff.removed)
    out.push(w(`表单删除字段「${field.label['zh-CN']}」`, `form: field “${field.label.en}” removed`));
  for (const [x, y] of diff.changed) {
    const details = fieldChanges(x, y);
    if (details.length === 0) continue;
    out.push(
      w(
        `字段「${x.label['zh-CN']}」：${details.map((d) => d.zh).join('；')}`,
        `field “${x.label.en}”: ${details.map((d) => d.en).join('; ')}`,
      ),
    );
  }
  if (diff.reordered) out.push(w('表单字段顺序已调整', 'form fields reordered'));
  return out;
}

function listChange(
  before: readonly string[],
  after: readonly string[],
  table: Record<string, Words>,
  added: Words,
  removed: Words,
): Words[] {
  const plus = after.filter((x) => !before.includes(x)).map((x) => word(table, x, w(x, x)));
  const minus = before.filter((x) => !after.includes(x)).map((x) => word(table, x, w(x, x)));
  const out: Words[] = [];
  if (plus.length) out.push(w(`${added.zh}${joinWords(plus).zh}`, `${added.en}${joinWords(plus).en}`));
  if (minus.length) out.push(w(`${removed.zh}${joinWords(minus).zh}`, `${removed.en}${joinWords(minus).en}`));
  return out;
}

/** Every difference of one service, in words; properties in the order a reviewer reads a service. */
function serviceChanges(a: CatalogService, b: CatalogService, before: Catalog, after: Catalog): Words[] {
  const out: Words[] = [];
  if (a.name['zh-CN'] !== b.name['zh-CN'] || a.name.en !== b.name.en)
    out.push(
      w(
        `名称由「${a.name['zh-CN']}」改为「${b.name['zh-CN']}」`,
        `name changed from “${a.name.en}” to “${b.name.en}”`,
      ),
    );
  else if (!same(a.name, b.name)) out.push(w('繁体名称已修改', 'Traditional Chinese name changed'));
  if (!same(a.description, b.description)) out.push(w('说明文字已修改', 'description changed'));
  if (a.category !== b.category) {
    const x = nameOf(before.categories.find((c) => c.id === a.category)?.name, a.category);
    const y = nameOf(after.categories.find((c) => c.id === b.category)?.name, b.category);
    out.push(w(`所属分类由「${x.zh}」改为「${y.zh}」`, `moved from category “${x.en}” to “${y.en}”`));
  }
  // Requirements.
  if (a.identity !== b.identity) {
    const [x, y] = [word(IDENTITY, a.identity, w('', '')), word(IDENTITY, b.identity, w('', ''))];
    out.push(w(`身份核验由「${x.zh}」改为「${y.zh}」`, `identity check from ${x.en} to ${y.en}`));
  }
  out.push(
    ...listChange(
      a.eligibleCardTypes,
      b.eligibleCardTypes,
      CARD,
      w('新增可用证件：', 'now also accepts: '),
      w('不再接受：', 'no longer accepts: '),
    ),
  );
  const docs = byId(a.requiredDocuments, b.requiredDocuments);
  for (const doc of docs.added)
    out.push(
      w(
        `新增${doc.optional ? '可选' : '必需'}材料「${doc.name['zh-CN']}」`,
        `new ${doc.optional ? 'optional' : 'required'} document “${doc.name.en}”`,
      ),
    );
  for (const doc of docs.removed)
    out.push(w(`不再需要材料「${doc.name['zh-CN']}」`, `document “${doc.name.en}” no longer needed`));
  for (const [x, y] of docs.changed)
    out.push(
      x.optional !== y.optional
        ? w(
            `材料「${y.name['zh-CN']}」改为${y.optional ? '可选' : '必需'}`,
            `document “${y.name.en}” now ${y.optional ? 'optional' : 'required'}`,
          )
        : w(`材料「${y.name['zh-CN']}」已修改`, `document “${y.name.en}” changed`),
    );
  if (!same(a.certificatePhoto, b.certificatePhoto))
    out.push(
      a.certificatePhoto === undefined
        ? w('新增证件照要求（在本机拍摄）', 'now asks for a certificate photo taken at the kiosk')
        : b.certificatePhoto === undefined
          ? w('不再需要证件照', 'no longer asks for a certificate photo')
          : w('证件照要求已修改', 'certificate photo requirements changed'),
    );
  out.push(...formChanges(a, b));
  // Policies.
  if ((a.cardExpiry ?? 'refuse') !== (b.cardExpiry ?? 'refuse')) {
    const [x, y] = [
      word(EXPIRY, a.cardExpiry ?? 'refuse', w('', '')),
      word(EXPIRY, b.cardExpiry ?? 'refuse', w('', '')),
    ];
    out.push(w(`过期证件由「${x.zh}」改为「${y.zh}」`, `expired ID cards: ${x.en} → ${y.en}`));
  }
  if (!same(a.fee, b.fee)) {
    const [x, y] = [feeWords(a.fee), feeWords(b.fee)];
    out.push(
      x.zh === y.zh
        ? w('费用说明已修改', 'fee note changed')
        : w(`费用由「${x.zh}」改为「${y.zh}」`, `fee from ${x.en} to ${y.en}`),
    );
  }
  out.push(
    ...listChange(
      a.outputs,
      b.outputs,
      OUTPUT,
      w('新增出具：', 'now also produces: '),
      w('不再出具：', 'no longer produces: '),
    ),
  );
  if (a.certificateTemplate !== b.certificateTemplate && a.certificateTemplate && b.certificateTemplate)
    out.push(w('证明模板已更换', 'certificate template changed'));
  const promises = byId(
    a.promises.map((p) => ({ ...p, id: p.kind })),
    b.promises.map((p) => ({ ...p, id: p.kind })),
  );
  for (const p of promises.added) {
    const d = duration(p.withinMinutes);
    out.push(
      w(`新增服务承诺「${p.text['zh-CN']}」（${d.zh}内）`, `new promise “${p.text.en}” (within ${d.en})`),
    );
  }
  for (const p of promises.removed)
    out.push(w(`取消服务承诺「${p.text['zh-CN']}」`, `promise “${p.text.en}” withdrawn`));
  for (const [x, y] of promises.changed) {
    if (x.withinMinutes !== y.withinMinutes) {
      const [dx, dy] = [duration(x.withinMinutes), duration(y.withinMinutes)];
      out.push(
        w(
          `服务承诺「${y.text['zh-CN']}」时限由 ${dx.zh} 改为 ${dy.zh}`,
          `promise “${y.text.en}”: within ${dx.en} → ${dy.en}`,
        ),
      );
    } else out.push(w(`服务承诺「${y.text['zh-CN']}」文字已修改`, `promise “${y.text.en}” reworded`));
  }
  if (a.urgent !== b.urgent)
    out.push(
      b.urgent
        ? w('改为紧急业务（优先上报）', 'now urgent (sent ahead of everything else)')
        : w('不再作为紧急业务', 'no longer urgent'),
    );
  if (!same(a.availability.hours, b.availability.hours)) {
    const [x, y] = [hoursWords(a.availability.hours), hoursWords(b.availability.hours)];
    out.push(w(`开放时间由「${x.zh}」改为「${y.zh}」`, `opening hours from ${x.en} to ${y.en}`));
  }
  if (!same(a.availability.kioskGroups ?? [], b.availability.kioskGroups ?? [])) {
    const all = w('全部终端', 'every kiosk');
    const x = groupNames(before, a.availability.kioskGroups, all);
    const y = groupNames(after, b.availability.kioskGroups, all);
    out.push(w(`提供范围由「${x.zh}」改为「${y.zh}」`, `offered at ${x.en} → ${y.en}`));
  }
  if (a.order !== b.order) out.push(w('显示顺序已调整', 'display order changed'));
  if (a.icon !== b.icon) out.push(w('图标已更换', 'icon changed'));
  return out;
}

function validity(catalog: Catalog): string {
  const day = (iso: string): string => iso.slice(0, 10);
  return `${day(catalog.issuedAt)} – ${day(catalog.expiresAt)}`;
}

/**
 * Describes what `after` changes against `before` (the published catalog; null when nothing was published yet
 * or it cannot be read as a catalog, and then every service counts as added).
 */
export function describeCatalogChanges(before: Catalog | null, after: Catalog): CatalogChanges {
  const general: Words[] = [];
  const base: Catalog = before ?? { ...after, services: [], categories: [], kioskGroups: [], notices: [] };
  if (before === null)
    general.push(
      w(`首次发布目录（版本 ${after.version}）`, `first catalog published here (version ${after.version})`),
    );
  else if (before.version !== after.version)
    general.push(
      w(`版本由 ${before.version} 升至 ${after.version}`, `version ${before.version} → ${after.version}`),
    );
  if (before && validity(before) !== validity(after))
    general.push(
      w(
        `有效期由 ${validity(before)} 改为 ${validity(after)}`,
        `valid ${validity(before)} → ${validity(after)}`,
      ),
    );
  if (before && before.publisher !== after.publisher)
    general.push(w(`发布单位改为「${after.publisher}」`, `publisher now “${after.publisher}”`));
  if (before && before.demonstration !== after.demonstration)
    general.push(
      after.demonstration
        ? w('改为演示数据', 'now marked as demonstration data')
        : w('不再是演示数据', 'no longer demonstration data'),
    );
  if (!same(before?.audience ?? null, after.audience ?? null) || (before === null && after.audience)) {
    const y = audienceWords(after);
    general.push(
      before === null
        ? w(`签名限定的适用范围：${y.zh}`, `signed audience: ${y.en}`)
        : w(
            `签名限定的适用范围由「${audienceWords(before).zh}」改为「${y.zh}」`,
            `signed audience from ${audienceWords(before).en} to ${y.en}`,
          ),
    );
  }

  const services: ServiceChange[] = [];
  const diff = byId(base.services, after.services);
  for (const s of diff.added)
    services.push({ kind: 'added', id: s.id, name: nameOf(s.name, s.id), details: [] });
  for (const s of diff.removed)
    services.push({ kind: 'removed', id: s.id, name: nameOf(s.name, s.id), details: [] });
  for (const [x, y] of diff.changed)
    services.push({
      kind: 'changed',
      id: y.id,
      name: nameOf(y.name, y.id),
      details: serviceChanges(x, y, base, after),
    });

  const other: Words[] = [];
  const categories = byId(base.categories, after.categories);
  for (const c of categories.added)
    other.push(w(`新增分类「${c.name['zh-CN']}」`, `new category “${c.name.en}”`));
  for (const c of categories.removed)
    other.push(w(`删除分类「${c.name['zh-CN']}」`, `category “${c.name.en}” removed`));
  for (const [x, y] of categories.changed)
    other.push(
      !same(x.name, y.name)
        ? w(
            `分类「${x.name['zh-CN']}」改名为「${y.name['zh-CN']}」`,
            `category “${x.name.en}” renamed “${y.name.en}”`,
          )
        : w(
            `分类「${y.name['zh-CN']}」的说明、图标或顺序已修改`,
            `category “${y.name.en}”: description, icon or order changed`,
          ),
    );
  const groups = byId(base.kioskGroups, after.kioskGroups);
  for (const g of groups.added)
    other.push(w(`新增终端分组「${g.name['zh-CN']}」(${g.id})`, `new kiosk group “${g.name.en}” (${g.id})`));
  for (const g of groups.removed)
    other.push(
      w(`删除终端分组「${g.name['zh-CN']}」(${g.id})`, `kiosk group “${g.name.en}” (${g.id}) removed`),
    );
  for (const [, g] of groups.changed)
    other.push(
      w(
        `终端分组「${g.name['zh-CN']}」的名称或说明已修改`,
        `kiosk group “${g.name.en}”: name or description changed`,
      ),
    );
  const notices = byId(base.notices, after.notices);
  for (const n of notices.added) {
    const s = word(SEVERITY, n.severity, w('', ''));
    other.push(w(`新增${s.zh}公告「${n.title['zh-CN']}」`, `new ${s.en} notice “${n.title.en}”`));
  }
  for (const n of notices.removed)
    other.push(w(`删除公告「${n.title['zh-CN']}」`, `notice “${n.title.en}” removed`));
  for (const [, n] of notices.changed)
    other.push(w(`公告「${n.title['zh-CN']}」已修改`, `notice “${n.title.en}” changed`));
  return { general, services, other };
}
