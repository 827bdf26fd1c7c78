/**
 * Pinyin → hanzi candidates for the on-screen keyboard, pure and DOM-free. The dictionary itself comes from a
 * package (syllable → characters, most frequent first); this module only splits what was typed into
 * syllables and picks the candidates of the first one, as a phone's pinyin keyboard does: "nihao" offers 你 尼
 * 呢 …, and once 你 is chosen "hao" offers 好 号 ….
 */

/** One syllable's characters, most frequent first. */
export type SyllableTable = Readonly<Record<string, readonly string[]>>;

/** The longest syllable in Mandarin pinyin ("zhuang", "shuang", "chuang"). */
const MAX_SYLLABLE = 6;

/** How the letters typed so far split up: whole syllables, and possibly an unfinished one at the end. */
export interface Segmentation {
  readonly segments: readonly string[];
  /** Whether the last segment is only the start of a syllable ("zh", "xia" of "xian"g …). */
  readonly lastIsPartial: boolean;
}

/** The candidates for what was typed: characters for its first syllable, and how many letters each uses. */
export interface Candidates {
  readonly chars: readonly string[];
  /** Letters of the composition the first syllable covers; choosing a candidate removes them. */
  readonly consumes: number;
}

const NO_CANDIDATES: Candidates = { chars: [], consumes: 0 };

/** A pinyin dictionary: syllable → characters, with syllable splitting and prefix look-up. */
export class PinyinDictionary {
  private readonly table: ReadonlyMap<string, readonly string[]>;
  private readonly prefixes: ReadonlyMap<string, readonly string[]>;

  constructor(table: SyllableTable) {
    const byKey = new Map<string, readonly string[]>();
    for (const [syllable, chars] of Object.entries(table)) {
      if (/^[a-z]+$/.test(syllable) && chars.length > 0) byKey.set(syllable, chars);
    }
    this.table = byKey;
    // Every proper prefix of a syllable → the syllables it starts, shortest (most likely meant) first.
    const prefixes = new Map<string, string[]>();
    for (const syllable of [...byKey.keys()].sort((a, b) => a.length - b.length || a.localeCompare(b))) {
      for (let n = 1; n < syllable.length; n += 1) {
        const p = syllable.slice(0, n);
        const list = prefixes.get(p) ?? [];
        list.push(syllable);
        prefixes.set(p, list);
      }
    }
    this.prefixes = prefixes;
  }

  /** Builds a dictionary from the package's form: syllable → characters separated by spaces. */
  static fromSpaceSeparated(table: Readonly<Record<string, string>>): PinyinDictionary {
    const parsed: Record<string, readonly string[]> = {};
    for (const [syllable, chars] of Object.entries(table))
      parsed[syllable] = chars.split(/\s+/).filter(Boolean);
    return new PinyinDictionary(parsed);
  }

  /** Whether `text` is a whole syllable. */
  isSyllable(text: string): boolean {
    return this.table.has(text);
  }

  /** Whether `text` starts at least one syllable (a whole syllable counts). */
  isPrefix(text: string): boolean {
    return this.table.has(text) || this.prefixes.has(text);
  }

  /**
   * Splits typed letters into syllables, longest syllable first, backing off where the rest could not be
   * split ("xian" → xian; "xiane" → xian|e; "fangan" → fang|an). Null when no split exists (e.g. "iv").
   */
  segment(letters: string): Segmentation | null {
    const text = letters.toLowerCase();
    if (text.length === 0) return { segments: [], lastIsPartial: false };
    const memo = new Map<number, Segmentation | null>();
    const from = (start: number): Segmentation | null => {
      if (start === text.length) return { segments: [], lastIsPartial: false };
      const known = memo.get(start);
      if (known !== undefined) return known;
      let found: Segmentation | null = null;
      for (let end = Math.min(text.length, start + MAX_SYLLABLE); end > start && !found; end -= 1) {
        const piece = text.slice(start, end);
        if (this.table.has(piece)) {
          const rest = from(end);
          if (rest) found = { segments: [piece, ...rest.segments], lastIsPartial: rest.lastIsPartial };
        } else if (end === text.length && this.prefixes.has(piece)) {
          found = { segments: [piece], lastIsPartial: true };
        }
      }
      memo.set(start, found);
      return found;
    };
    return from(0);
  }

  /**
   * Characters for a syllable; with `extend`, followed by those of the longer syllables it starts ("zh" →
   * zhi, zhe, zhong …; "zhuan" → zhuan's, then zhuang's), interleaved by rank so that every syllable's most
   * frequent characters come first.
   */
  charsFor(syllableOrPrefix: string, extend: boolean): readonly string[] {
    const whole = this.table.get(syllableOrPrefix) ?? [];
    const longer = extend ? (this.prefixes.get(syllableOrPrefix) ?? []) : [];
    const lists = longer.map((s) => this.table.get(s) ?? []);
    const out: string[] = [...whole];
    const seen = new Set<string>(whole);
    const longest = Math.max(0, ...lists.map((l) => l.length));
    for (let rank = 0; rank < longest; rank += 1) {
      for (const list of lists) {
        const c = list[rank];
        if (c !== undefined && !seen.has(c)) {
          seen.add(c);
          out.push(c);
        }
      }
    }
    return out;
  }

  /**
   * The candidates for a composition: those of its first syllable. While only one syllable is typed it may
   * still grow, so the syllables it starts are offered after its own characters.
   */
  candidates(composition: string): Candidates {
    const split = this.segment(composition);
    const first = split?.segments[0];
    if (!split || first === undefined) return NO_CANDIDATES;
    return { chars: this.charsFor(first, split.segments.length === 1), consumes: first.length };
  }

  /** How the composition is shown while typing: syllables separated by apostrophes ("ni'hao"). */
  display(composition: string): string {
    return this.segment(composition)?.segments.join("'") ?? composition;
  }
}
