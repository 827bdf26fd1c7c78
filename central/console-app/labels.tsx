/**
 * The console's bilingual labels, shared by the app shell (App.tsx) and its pages; apart from App.tsx so the pages
 * do not import the shell that imports them.
 */
import type { ReactElement } from 'react';
import { TEXTS, type TextKey } from './messages.js';

/** A label in Chinese with its English beside it. */
export function T({ k }: { k: TextKey }): ReactElement {
  const [zh, en] = TEXTS[k];
  return (
    <>
      <span lang="zh-CN">{zh}</span>{' '}
      <span lang="en" className="en">
        {en}
      </span>
    </>
  );
}

/** Plain text of a label, for attributes (aria-label, placeholder). */
export function text(k: TextKey): string {
  const [zh, en] = TEXTS[k];
  return `${zh} ${en}`;
}

/** A table's header row of bilingual labels. */
export function Head({ keys }: { keys: readonly TextKey[] }): ReactElement {
  return (
    <thead>
      <tr>
        {keys.map((key) => (
          <th key={key}>
            <T k={key} />
          </th>
        ))}
      </tr>
    </thead>
  );
}

/** An age in seconds, minutes or hours, bilingual. */
export function age(ms: number): ReactElement {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 120)
    return (
      <>
        {s} <T k="secondsAgo" />
      </>
    );
  if (s < 7200)
    return (
      <>
        {Math.floor(s / 60)} <T k="minutesAgo" />
      </>
    );
  return (
    <>
      {Math.floor(s / 3600)} <T k="hoursAgo" />
    </>
  );
}

/** A row's heading cell: the kiosk (or other) id, with a badge naming what is wrong with the row, if anything. */
export function RowHeader({ id, badge }: { id: string; badge: TextKey | null }): ReactElement {
  return (
    <th scope="row">
      {id}
      {badge !== null ? (
        <span className="badge">
          <T k={badge} />
        </span>
      ) : null}
    </th>
  );
}
