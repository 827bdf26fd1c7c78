import type { ReactNode } from 'react';
import type { AssignView } from '../../main/api/technician-views.js';
import type { I18n } from '../i18n/i18n.js';

/** A tool's last outcome in words, announced to screen readers; nothing before the first. */
export function Outcome({ text }: { readonly text: string | null }): ReactNode {
  return text ? (
    <p role="status" className="tech-outcome">
      {text}
    </p>
  ) : null;
}

/** An assignment's outcome in words: applied now or after the visit, overridden by a variable, or refused. */
export function assignText(t: I18n['t'], r: AssignView, spec: string): string {
  if (!r.ok) return t('tech.assign.refused', { problem: r.problem });
  const text = t(r.applied === 'now' ? 'tech.assign.now' : 'tech.assign.afterVisit', {
    role: t(`device.${r.role}`),
    spec,
  });
  return r.overriddenBy ? `${text} · ${t('tech.assign.overridden', { variable: r.overriddenBy })}` : text;
}
