import type { ReactNode } from 'react';
import type { CatalogIconName } from '../../main/api/views.js';

/**
 * The renderer's fixed icon set; a catalog can only name one of these. Each is one character in a roundel —
 * legible with the kiosk's CJK font alone (no emoji or icon font to install). Decorative: hidden from screen readers.
 */
const GLYPHS: Readonly<Record<CatalogIconName, string>> = {
  household: '户',
  'id-card': '证',
  certificate: '明',
  residence: '居',
  move: '迁',
  passport: '护',
  'hk-macao': '港',
  taiwan: '台',
  plane: '境',
  progress: '查',
  calendar: '约',
  car: '车',
  license: '驾',
  plate: '牌',
  inspection: '检',
  violation: '违',
  mailbox: '信',
  help: '助',
  'missing-person': '寻',
  shield: '安',
  document: '文',
  info: '询',
};

/** An icon by catalog name. */
export function ServiceIcon({ name }: { readonly name: CatalogIconName }): ReactNode {
  return (
    <span className="icon" aria-hidden="true">
      {GLYPHS[name]}
    </span>
  );
}
