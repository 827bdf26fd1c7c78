import type { ReactNode } from 'react';

/** One refused field as the summary lists it. */
export interface ErrorSummaryItem {
  /** Stable React key. */
  readonly key: string;
  /** The id of the control to focus (a fieldset focuses its checked or first choice); null when none is shown. */
  readonly targetId: string | null;
  /** The field's name and what is wrong, in words. */
  readonly text: string;
}

/**
 * Moves to a field: scrolls it to the middle of the screen (clear of the fixed help button) and focuses it, or
 * for a group of choices its chosen or first choice. Returns whether there was something to focus.
 */
export function focusField(targetId: string): boolean {
  const target = document.getElementById(targetId);
  if (!target) return false;
  const control =
    target instanceof HTMLFieldSetElement
      ? (target.querySelector<HTMLElement>('input:checked') ?? target.querySelector<HTMLElement>('input'))
      : target;
  if (!control) return false;
  target.scrollIntoView({ block: 'center' });
  control.focus({ preventScroll: true });
  return true;
}

/**
 * Every refused field of a form, listed at its top by name: each is a button that takes the citizen to the field.
 * An alert, so it is announced (and read aloud in elder mode) as soon as it appears.
 */
export function ErrorSummary({
  title,
  items,
}: {
  readonly title: string;
  readonly items: readonly ErrorSummaryItem[];
}): ReactNode {
  if (items.length === 0) return null;
  return (
    <div className="error-summary problem" role="alert">
      <p className="error-summary-title">{title}</p>
      <ul>
        {items.map(({ key, targetId, text }) => (
          <li key={key}>
            {targetId === null ? (
              text
            ) : (
              <button type="button" onClick={() => focusField(targetId)}>
                {text}
              </button>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
