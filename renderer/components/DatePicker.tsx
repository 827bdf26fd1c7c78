import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useI18n } from '../i18n/i18n.js';
import {
  daysInMonth,
  leadingBlankDays,
  parseIsoDate,
  toIsoDate,
  today,
  yearPageStart,
  yearRange,
  YEARS_PER_PAGE,
  type CalendarDate,
} from './calendar.js';

/**
 * The kiosk's own date field: a button showing the date in the kiosk language, opening year, month and day grids
 * of large buttons (touch only, no typing). Not the browser's `<input type="date">`, which follows the system
 * locale (mm/dd/yyyy in the Chinese interface) and pops up a tiny calendar.
 */
export function DatePicker({
  id,
  labelId,
  value,
  invalid,
  describedBy,
  onChange,
}: {
  /** The button's id: labels point at it and the error summary focuses it. */
  readonly id: string;
  /** The id of the field's visible label. */
  readonly labelId: string;
  /** `YYYY-MM-DD`, or empty. */
  readonly value: string;
  readonly invalid: boolean;
  readonly describedBy: string | undefined;
  readonly onChange: (value: string) => void;
}): ReactNode {
  const { t } = useI18n();
  const chosen = parseIsoDate(value);
  const [open, setOpen] = useState(false);
  const [now] = useState(() => today());
  const range = yearRange(now);
  // What the grids show: the chosen date's month, or this month.
  const [view, setView] = useState<{ year: number; month: number }>(() => chosen ?? now);
  const [pageStart, setPageStart] = useState(() => yearPageStart(view.year, range.first));
  const buttonRef = useRef<HTMLButtonElement>(null);
  const pickerRef = useRef<HTMLDivElement>(null);
  const pickerId = `${id}-picker`;

  useEffect(() => {
    // The grids may open below the fold of a long form: bring them into view.
    if (open) pickerRef.current?.scrollIntoView?.({ block: 'nearest' });
  }, [open]);

  const monthName = (month: number): string => t(`date.month.${month}`);
  const dateText = (d: CalendarDate): string =>
    t('date.format', { year: d.year, month: d.month, day: d.day, monthName: monthName(d.month) });
  const close = (): void => {
    setOpen(false);
    buttonRef.current?.focus();
  };
  const choose = (d: CalendarDate): void => {
    onChange(toIsoDate(d));
    close();
  };
  const toggle = (): void => {
    if (!open) {
      const start = chosen ?? now;
      setView({ year: start.year, month: start.month });
      setPageStart(yearPageStart(start.year, range.first));
    }
    setOpen(!open);
  };

  const years: number[] = [];
  for (let y = pageStart; y < pageStart + YEARS_PER_PAGE && y <= range.last; y++) years.push(y);
  const blanks = leadingBlankDays(view.year, view.month);
  const days = daysInMonth(view.year, view.month);

  return (
    <div className="date-field">
      <button
        ref={buttonRef}
        id={id}
        type="button"
        className="date-value"
        aria-labelledby={`${labelId} ${id}`}
        aria-describedby={describedBy}
        aria-invalid={invalid ? true : undefined}
        aria-expanded={open}
        aria-controls={pickerId}
        onClick={toggle}
      >
        <span className={chosen ? undefined : 'date-placeholder'}>
          {chosen ? dateText(chosen) : value || t('date.choose')}
        </span>
        <span className="date-caret" aria-hidden="true">
          {open ? '▲' : '▼'}
        </span>
      </button>
      {open ? (
        <div
          ref={pickerRef}
          id={pickerId}
          className="date-picker"
          role="group"
          aria-labelledby={labelId}
          onKeyDown={(e) => {
            if (e.key === 'Escape') close();
          }}
        >
          <div className="date-side">
            <div role="group" aria-label={t('date.year')} className="date-years">
              <button
                type="button"
                className="date-page"
                disabled={pageStart <= range.first}
                onClick={() => setPageStart(pageStart - YEARS_PER_PAGE)}
              >
                <span aria-hidden="true">‹ </span>
                {t('date.earlier')}
              </button>
              <div className="date-grid years">
                {years.map((y) => (
                  <button
                    key={y}
                    type="button"
                    aria-pressed={y === view.year}
                    onClick={() => setView({ year: y, month: view.month })}
                  >
                    {t('date.yearButton', { year: y })}
                  </button>
                ))}
              </div>
              <button
                type="button"
                className="date-page"
                disabled={pageStart + YEARS_PER_PAGE > range.last}
                onClick={() => setPageStart(pageStart + YEARS_PER_PAGE)}
              >
                {t('date.later')}
                <span aria-hidden="true"> ›</span>
              </button>
            </div>
            <div role="group" aria-label={t('date.month')} className="date-grid months">
              {Array.from({ length: 12 }, (_, i) => i + 1).map((m) => (
                <button
                  key={m}
                  type="button"
                  aria-pressed={m === view.month}
                  onClick={() => setView({ year: view.year, month: m })}
                >
                  {t('date.monthButton', { month: m, monthName: monthName(m) })}
                </button>
              ))}
            </div>
          </div>
          <div
            role="group"
            aria-label={t('date.pickDay', {
              year: view.year,
              month: view.month,
              monthName: monthName(view.month),
            })}
            className="date-side"
          >
            <p className="date-heading" aria-hidden="true">
              {t('date.pickDay', { year: view.year, month: view.month, monthName: monthName(view.month) })}
            </p>
            <div className="date-grid days">
              {[1, 2, 3, 4, 5, 6, 7].map((w) => (
                <span key={`w${w}`} className="weekday" aria-hidden="true">
                  {t(`weekday.${w}`).trim()}
                </span>
              ))}
              {Array.from({ length: blanks }, (_, i) => (
                <span key={`b${i}`} aria-hidden="true" />
              ))}
              {Array.from({ length: days }, (_, i) => i + 1).map((d) => {
                const date = { year: view.year, month: view.month, day: d };
                const isToday = d === now.day && view.month === now.month && view.year === now.year;
                return (
                  <button
                    key={d}
                    type="button"
                    className={isToday ? 'today' : undefined}
                    aria-label={dateText(date)}
                    aria-pressed={chosen !== null && toIsoDate(chosen) === toIsoDate(date)}
                    onClick={() => choose(date)}
                  >
                    {d}
                  </button>
                );
              })}
            </div>
            <div className="date-actions">
              <button type="button" onClick={() => choose(now)}>
                {t('date.today')}
              </button>
              {value ? (
                <button
                  type="button"
                  onClick={() => {
                    onChange('');
                    close();
                  }}
                >
                  {t('date.clear')}
                </button>
              ) : null}
              <button type="button" onClick={close}>
                {t('date.close')}
              </button>
            </div>
          </div>
        </div>
      ) : null}
    </div>
  );
}
