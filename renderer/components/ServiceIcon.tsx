import type { ReactNode } from 'react';
import type { CatalogIconName } from '../../main/api/views.js';

/** The renderer's fixed icon set; a catalog can only name one of these. Decorative: hidden from screen readers. */
const GLYPHS: Readonly<Record<CatalogIconName, string>> = {
  household: '🏠',
  'id-card': '🪪',
  certificate: '📜',
  residence: '🏘',
  move: '🚚',
  passport: '📘',
  'hk-macao': '🌉',
  taiwan: '⛴',
  plane: '✈',
  progress: '⏳',
  calendar: '📅',
  car: '🚗',
  license: '🚦',
  plate: '🔖',
  inspection: '🔧',
  violation: '⚠',
  mailbox: '✉',
  help: '🆘',
  'missing-person': '🔍',
  shield: '🛡',
  document: '📄',
  info: 'ℹ',
};

/** An icon by catalog name. */
export function ServiceIcon({ name }: { readonly name: CatalogIconName }): ReactNode {
  return (
    <span className="icon" aria-hidden="true">
      {GLYPHS[name]}
    </span>
  );
}
