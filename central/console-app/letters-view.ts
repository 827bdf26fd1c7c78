import type { PromiseClock } from '../console-letters-schemas.js';

/** Where a promise clock stands at `nowMs`: met (in time or late), or running (time left) or overdue. */
export type ClockView =
  | { readonly kind: 'met'; readonly at: number; readonly by: string | null }
  | { readonly kind: 'met-late'; readonly at: number; readonly by: string | null }
  | { readonly kind: 'running'; readonly leftMs: number }
  | { readonly kind: 'overdue'; readonly overMs: number };

/** A promise clock as the mailbox page shows it. */
export function clockView(clock: PromiseClock, nowMs: number): ClockView {
  const due = Date.parse(clock.dueAt);
  if (clock.metAt !== null) {
    const at = Date.parse(clock.metAt);
    return { kind: at <= due ? 'met' : 'met-late', at, by: clock.by };
  }
  return due >= nowMs ? { kind: 'running', leftMs: due - nowMs } : { kind: 'overdue', overMs: nowMs - due };
}

/** A duration as `m:ss` under an hour, `h:mm:ss` above (counting down by the second). */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const two = (n: number): string => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${two(m)}:${two(s)}` : `${m}:${two(s)}`;
}

/** A time of day in the officer's browser, `HH:mm` (today) or `MM-DD HH:mm`. */
export function formatClockTime(ms: number, nowMs: number): string {
  const date = new Date(ms);
  const two = (n: number): string => String(n).padStart(2, '0');
  const time = `${two(date.getHours())}:${two(date.getMinutes())}`;
  return new Date(nowMs).toDateString() === date.toDateString()
    ? time
    : `${two(date.getMonth() + 1)}-${two(date.getDate())} ${time}`;
}
