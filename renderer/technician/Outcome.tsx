import type { ReactNode } from 'react';

/** A tool's last outcome in words, announced to screen readers; nothing before the first. */
export function Outcome({ text }: { readonly text: string | null }): ReactNode {
  return text ? (
    <p role="status" className="tech-outcome">
      {text}
    </p>
  ) : null;
}
