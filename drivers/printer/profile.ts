import { z } from 'zod';

/**
 * Printer profiles: what the kiosk must know about a receipt printer model to lay out a receipt and to tell
 * when it has physically finished printing it (drivers/printer/README.md, "Timing model").
 */

/** How the end of a job is confirmed (README "Confirming a job"). */
export type PrintConfirmation = 'status' | 'gs-r';

/** How text is encoded: GB18030 two-byte codes (FS &), or plain ASCII with everything else replaced. */
export type PrinterCodePage = 'gb18030' | 'ascii';

/** A paper width the kiosk supports, and the physical figures of the printer model using it. */
export interface PrinterProfile {
  readonly name: '58mm' | '80mm';
  /** Roll width in millimetres. */
  readonly widthMm: 58 | 80;
  /** Columns in font A (12×24 dots). */
  readonly columns: number;
  /** Printable dots per line (8 dots/mm). */
  readonly dots: number;
  /** Paper speed while printing, in mm/s (the model's datasheet figure; lower it for a slower printer). */
  readonly speedMmPerSec: number;
  readonly codePage: PrinterCodePage;
  /** `status`: DLE EOT after the estimated print time; `gs-r`: a GS r 1 reply after the job as well. */
  readonly confirm: PrintConfirmation;
  /** How long one autocutter cycle takes, in ms. */
  readonly cutMs: number;
}

/** 58 mm roll: 32 columns, 384 dots, 90 mm/s (a common speed for 58 mm kiosk mechanisms). */
export const PROFILE_58MM: PrinterProfile = {
  name: '58mm',
  widthMm: 58,
  columns: 32,
  dots: 384,
  speedMmPerSec: 90,
  codePage: 'gb18030',
  confirm: 'status',
  cutMs: 250,
};

/** 80 mm roll: 48 columns, 576 dots, 150 mm/s. */
export const PROFILE_80MM: PrinterProfile = {
  name: '80mm',
  widthMm: 80,
  columns: 48,
  dots: 576,
  speedMmPerSec: 150,
  codePage: 'gb18030',
  confirm: 'status',
  cutMs: 250,
};

/** The default profile for a paper width in millimetres. */
export function profileForWidth(width: 58 | 80): PrinterProfile {
  return width === 58 ? PROFILE_58MM : PROFILE_80MM;
}

/** A printer profile as configured: the width picks the defaults, the rest overrides them. */
export const printerProfileSettingSchema = z.strictObject({
  width: z.union([z.literal(58), z.literal(80)], { error: 'the paper width must be 58mm or 80mm' }),
  speed: z
    .number()
    .int('the speed must be a whole number of mm/s')
    .min(10, 'the speed must be 10 to 500 mm/s')
    .max(500, 'the speed must be 10 to 500 mm/s')
    .optional(),
  codePage: z.enum(['gb18030', 'ascii'], { error: 'the code page must be gb18030 or ascii' }).optional(),
  confirm: z.enum(['status', 'gs-r'], { error: 'confirm must be status or gs-r' }).optional(),
});

/** A configured printer profile (see {@link printerProfileSettingSchema}). */
export type PrinterProfileSetting = z.infer<typeof printerProfileSettingSchema>;

/** The full profile of a setting (defaults of its width, overridden field by field). */
export function resolvePrinterProfile(setting?: PrinterProfileSetting | null): PrinterProfile {
  if (!setting) return PROFILE_80MM;
  const base = profileForWidth(setting.width);
  return {
    ...base,
    ...(setting.speed !== undefined ? { speedMmPerSec: setting.speed } : {}),
    ...(setting.codePage !== undefined ? { codePage: setting.codePage } : {}),
    ...(setting.confirm !== undefined ? { confirm: setting.confirm } : {}),
  };
}

/** A profile text that cannot be used; the message says which part and why. */
export class PrinterProfileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PrinterProfileError';
  }
}

const OPTION_KEYS = { speed: 'speed', codepage: 'codePage', confirm: 'confirm' } as const;

/**
 * Parses the profile part of a printer setting: `WIDTH[,speed=MM_PER_S][,codepage=gb18030|ascii]
 * [,confirm=status|gs-r]`, WIDTH being `58mm` or `80mm` (e.g. `58mm,speed=70,confirm=gs-r`).
 */
export function parsePrinterProfile(text: string): PrinterProfileSetting {
  const [widthText = '', ...options] = text.trim().split(',');
  const width = /^(58|80)\s*mm$/i.exec(widthText.trim());
  if (!width) throw new PrinterProfileError(`'${widthText}' is not a paper width (58mm or 80mm)`);
  const raw: Record<string, unknown> = { width: Number(width[1]) };
  for (const option of options) {
    const eq = option.indexOf('=');
    const key = (eq < 0 ? option : option.slice(0, eq)).trim().toLowerCase();
    const value = eq < 0 ? '' : option.slice(eq + 1).trim();
    const field = OPTION_KEYS[key as keyof typeof OPTION_KEYS] as string | undefined;
    if (!field) throw new PrinterProfileError(`unknown profile option '${key}' (speed, codepage, confirm)`);
    if (field in raw) throw new PrinterProfileError(`profile option '${key}' given twice`);
    if (field === 'speed') {
      if (!/^\d+$/.test(value)) throw new PrinterProfileError(`speed '${value}' is not a number of mm/s`);
      raw[field] = Number(value);
    } else raw[field] = value.toLowerCase();
  }
  const parsed = printerProfileSettingSchema.safeParse(raw);
  if (!parsed.success)
    throw new PrinterProfileError(parsed.error.issues[0]?.message ?? 'invalid printer profile');
  return parsed.data;
}

/** The text form of a setting (the inverse of {@link parsePrinterProfile}); only what was set is written. */
export function formatPrinterProfile(setting: PrinterProfileSetting): string {
  const parts = [`${setting.width}mm`];
  if (setting.speed !== undefined) parts.push(`speed=${setting.speed}`);
  if (setting.codePage !== undefined) parts.push(`codepage=${setting.codePage}`);
  if (setting.confirm !== undefined) parts.push(`confirm=${setting.confirm}`);
  return parts.join(',');
}

/** A one-line description for technicians, e.g. `80 mm, 150 mm/s, gb18030, confirm by status`. */
export function describePrinterProfile(p: PrinterProfile): string {
  return `${p.widthMm} mm, ${p.speedMmPerSec} mm/s, ${p.codePage}, confirm by ${p.confirm}`;
}
