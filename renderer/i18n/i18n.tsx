import { createContext, useContext, useMemo, useState, type ReactNode } from 'react';
import type { Locale, MessageKey } from './messages.js';
import { MESSAGES } from './messages.js';
import type { LocalizedText } from '../../main/api/views.js';

/** Translation helpers for the current language. */
export interface I18n {
  readonly locale: Locale;
  setLocale(locale: Locale): void;
  /** An interface text, with `{name}` placeholders filled. Unknown keys fall back to a generic error text. */
  t(key: MessageKey | string, vars?: Readonly<Record<string, string | number>>): string;
  /** A catalog text in the current language. */
  l(text: LocalizedText): string;
}

const I18nContext = createContext<I18n | null>(null);

/** Provides the language; every visit starts again in Simplified Chinese. */
export function I18nProvider({ children }: { readonly children: ReactNode }): ReactNode {
  const [locale, setLocale] = useState<Locale>('zh-CN');
  const value = useMemo<I18n>(() => {
    const messages = MESSAGES[locale];
    return {
      locale,
      setLocale,
      t: (key, vars) => {
        const text = (messages as Readonly<Record<string, string>>)[key] ?? messages['errors.generic'];
        return vars ? text.replace(/\{(\w+)\}/g, (m, name: string) => String(vars[name] ?? m)) : text;
      },
      l: (text) => text[locale],
    };
  }, [locale]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

/** The translation helpers. */
export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (!value) throw new Error('useI18n outside I18nProvider');
  return value;
}
