/**
 * Structured logs: one JSON object a line, an event name and non-personal fields only. Callers pass codes,
 * counts and device descriptions — never names, ID numbers, addresses or form values.
 */
export type LogFields = Record<string, string | number | boolean | null>;

/** A structured logger. */
export interface Logger {
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
}

/** Personal-data-shaped values that must never reach a log line, whatever a caller passes by mistake. */
const ID_NUMBER = /\b\d{17}[\dXx]\b/g;

/** Redacts anything that looks like an 18-digit ID number. */
export function redact(text: string): string {
  return text.replace(ID_NUMBER, '[redacted-id]');
}

/** A logger writing JSON lines to a sink (stderr by default). */
export function createLogger(
  sink: (line: string) => void = (line) => process.stderr.write(line + '\n'),
): Logger {
  const write = (level: string, event: string, fields: LogFields = {}): void => {
    const clean: LogFields = {};
    for (const [k, v] of Object.entries(fields)) clean[k] = typeof v === 'string' ? redact(v) : v;
    sink(JSON.stringify({ at: new Date().toISOString(), level, event, ...clean }));
  };
  return {
    info: (event, fields) => write('info', event, fields),
    warn: (event, fields) => write('warn', event, fields),
    error: (event, fields) => write('error', event, fields),
  };
}

/** A logger that drops everything (tests). */
export const silentLogger: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
