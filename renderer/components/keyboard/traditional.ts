/**
 * Traditional (Hong Kong) candidates from Simplified ones, at the level of single characters, from OpenCC's
 * character tables (the `opencc-js` package): the usual conversion first (发 → 發), then every other
 * Traditional character that simplifies to the same one (发 → 髮 too; 台 → 台 檯 颱), each in its Hong Kong
 * form. A phrase converter would pick one per context; a candidate bar should offer them all.
 */

/** A character table in OpenCC's text form: `source target [target…]` entries separated by `|`. */
export type OpenccTable = string;

/** Parses an OpenCC table into source → targets. */
export function parseOpenccTable(table: OpenccTable): ReadonlyMap<string, readonly string[]> {
  const map = new Map<string, readonly string[]>();
  for (const entry of table.split('|')) {
    const [source, ...targets] = entry.trim().split(/\s+/);
    if (source && targets.length > 0) map.set(source, targets);
  }
  return map;
}

/** The OpenCC tables the conversion needs. */
export interface TraditionalTables {
  /** Simplified → Traditional characters (OpenCC STCharacters). */
  readonly stCharacters: OpenccTable;
  /** Traditional → Simplified characters (OpenCC TSCharacters), read backwards for the other variants. */
  readonly tsCharacters: OpenccTable;
  /** OpenCC's standard Traditional → Hong Kong forms (OpenCC HKVariants). */
  readonly hkVariants: OpenccTable;
}

/** Converts Simplified candidates into Hong Kong Traditional ones. */
export class TraditionalCandidates {
  private readonly st: ReadonlyMap<string, readonly string[]>;
  private readonly hk: ReadonlyMap<string, readonly string[]>;
  private readonly variants: ReadonlyMap<string, readonly string[]>;

  constructor(tables: TraditionalTables) {
    this.st = parseOpenccTable(tables.stCharacters);
    this.hk = parseOpenccTable(tables.hkVariants);
    const variants = new Map<string, string[]>();
    for (const [traditional, simplified] of parseOpenccTable(tables.tsCharacters)) {
      for (const s of simplified) {
        const list = variants.get(s) ?? [];
        list.push(traditional);
        variants.set(s, list);
      }
    }
    this.variants = variants;
  }

  private toHk(c: string): string {
    return this.hk.get(c)?.[0] ?? c;
  }

  /** The Hong Kong Traditional characters for one Simplified character, the usual one first. */
  forChar(simplified: string): readonly string[] {
    const usual = this.st.get(simplified) ?? [simplified];
    const all = [...usual, ...(this.variants.get(simplified) ?? [])].map((c) => this.toHk(c));
    return [...new Set(all)];
  }

  /** A whole candidate list converted, order kept, duplicates dropped (乾 and 干 both give 乾 once). */
  convert(candidates: readonly string[]): readonly string[] {
    const out: string[] = [];
    const seen = new Set<string>();
    for (const c of candidates) {
      for (const t of this.forChar(c)) {
        if (!seen.has(t)) {
          seen.add(t);
          out.push(t);
        }
      }
    }
    return out;
  }
}
