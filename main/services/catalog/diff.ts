import { canonicalJsonBytes } from '../../../contract/catalog/signing.js';

/**
 * What changed between two catalogs, for administrators reviewing a catalog before signing it. Works on plain
 * JSON so it also describes catalogs that do not validate.
 */

/** One changed service (or category, kiosk group, notice): which of its properties differ. */
export interface CatalogItemChange {
  readonly id: string;
  /** Property names, with form fields as `form.fields[<id>]` (added/removed fields say so). */
  readonly changed: readonly string[];
}

/** Additions, removals and changes of one list of items with ids. */
export interface CatalogListDiff {
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly changed: readonly CatalogItemChange[];
}

/** The difference between two catalogs. */
export interface CatalogDiff {
  /** Top-level properties (version, expiresAt, …) that differ, with old and new values. */
  readonly header: readonly { readonly key: string; readonly from: unknown; readonly to: unknown }[];
  readonly services: CatalogListDiff;
  readonly categories: CatalogListDiff;
  readonly kioskGroups: CatalogListDiff;
  readonly notices: CatalogListDiff;
}

type Json = Record<string, unknown>;

function same(a: unknown, b: unknown): boolean {
  if (a === undefined || b === undefined) return a === b;
  return canonicalJsonBytes(a).equals(canonicalJsonBytes(b));
}

function asObject(value: unknown): Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {};
}

function byId(list: unknown): Map<string, Json> {
  const map = new Map<string, Json>();
  if (!Array.isArray(list)) return map;
  list.forEach((item, index) => {
    const o = asObject(item);
    map.set(typeof o.id === 'string' ? o.id : `#${index}`, o);
  });
  return map;
}

function changedProperties(before: Json, after: Json): string[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  const out: string[] = [];
  for (const key of keys) {
    if (same(before[key], after[key])) continue;
    if (key === 'form') {
      const a = byId(asObject(before.form).fields);
      const b = byId(asObject(after.form).fields);
      const details: string[] = [];
      for (const [id, field] of b) {
        const old = a.get(id);
        if (!old) details.push(`form.fields[${id}] added`);
        else if (!same(old, field))
          details.push(`form.fields[${id}] (${changedProperties(old, field).join(', ')})`);
      }
      for (const id of a.keys()) if (!b.has(id)) details.push(`form.fields[${id}] removed`);
      out.push(...(details.length > 0 ? details : ['form (field order)']));
    } else {
      out.push(key);
    }
  }
  return out;
}

function diffList(before: unknown, after: unknown): CatalogListDiff {
  const a = byId(before);
  const b = byId(after);
  const added = [...b.keys()].filter((id) => !a.has(id));
  const removed = [...a.keys()].filter((id) => !b.has(id));
  const changed: CatalogItemChange[] = [];
  for (const [id, item] of b) {
    const old = a.get(id);
    if (old && !same(old, item)) changed.push({ id, changed: changedProperties(old, item) });
  }
  return { added, removed, changed };
}

/** Compares two catalogs (the bare catalog objects, not signed envelopes). */
export function diffCatalogs(before: unknown, after: unknown): CatalogDiff {
  const a = asObject(before);
  const b = asObject(after);
  const lists = new Set(['services', 'categories', 'kioskGroups', 'notices']);
  const header = [...new Set([...Object.keys(a), ...Object.keys(b)])]
    .filter((k) => !lists.has(k) && !same(a[k], b[k]))
    .sort()
    .map((key) => ({ key, from: a[key], to: b[key] }));
  return {
    header,
    services: diffList(a.services, b.services),
    categories: diffList(a.categories, b.categories),
    kioskGroups: diffList(a.kioskGroups, b.kioskGroups),
    notices: diffList(a.notices, b.notices),
  };
}

/** The diff as text lines: `+ id` added, `- id` removed, `~ id: what changed`. */
export function formatCatalogDiff(diff: CatalogDiff): string[] {
  const lines: string[] = [];
  for (const h of diff.header) lines.push(`${h.key}: ${JSON.stringify(h.from)} -> ${JSON.stringify(h.to)}`);
  const section = (title: string, l: CatalogListDiff): void => {
    if (l.added.length + l.removed.length + l.changed.length === 0) return;
    lines.push(`${title}:`);
    for (const id of l.added) lines.push(`  + ${id} (added)`);
    for (const id of l.removed) lines.push(`  - ${id} (removed)`);
    for (const c of l.changed) lines.push(`  ~ ${c.id}: ${c.changed.join('; ')}`);
  };
  section('services', diff.services);
  section('categories', diff.categories);
  section('kioskGroups', diff.kioskGroups);
  section('notices', diff.notices);
  if (lines.length === 0) lines.push('no differences');
  return lines;
}
