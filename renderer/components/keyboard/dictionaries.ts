/**
 * Loads the keyboard's dictionaries on demand, each into its own chunk of the renderer bundle, so the first
 * paint of the kiosk does not wait for them: the pinyin table when the keyboard is first wanted, the
 * Traditional tables only when the kiosk is in 繁體. Both come from the app's own origin.
 */
import { z } from 'zod';
import { PinyinDictionary } from './pinyin.js';
import { TraditionalCandidates } from './traditional.js';

// The packages' own shapes, checked: an update that changed them must fail loudly, not offer no candidates.
const pinyinLayout = z.object({ layoutCandidates: z.record(z.string(), z.string()) });
const openccTable = z.string().min(1);

let pinyin: Promise<PinyinDictionary> | null = null;
let traditional: Promise<TraditionalCandidates> | null = null;

/** The pinyin dictionary (simple-keyboard-layouts' Chinese candidates), loaded once. */
export function loadPinyinDictionary(): Promise<PinyinDictionary> {
  pinyin ??= import('simple-keyboard-layouts/build/layouts/chinese.js').then((m) =>
    PinyinDictionary.fromSpaceSeparated(pinyinLayout.parse(m.default).layoutCandidates),
  );
  // A failed load (e.g. a chunk missing after an update) is tried again the next time, not cached.
  pinyin.catch(() => {
    pinyin = null;
  });
  return pinyin;
}

/** The Simplified → Hong Kong Traditional candidate converter (OpenCC's character tables), loaded once. */
export function loadTraditionalCandidates(): Promise<TraditionalCandidates> {
  traditional ??= Promise.all([
    import('opencc-js/dict/STCharacters'),
    import('opencc-js/dict/TSCharacters'),
    import('opencc-js/dict/HKVariants'),
  ]).then(
    ([st, ts, hk]) =>
      new TraditionalCandidates({
        stCharacters: openccTable.parse(st.default),
        tsCharacters: openccTable.parse(ts.default),
        hkVariants: openccTable.parse(hk.default),
      }),
  );
  traditional.catch(() => {
    traditional = null;
  });
  return traditional;
}
