/**
 * The kiosk's face thresholds as configured: `BOOTH_FACE_MATCH` and `BOOTH_FACE_NO_MATCH` (0–1) override the
 * calibrated defaults. The CLI, the core and the renderer (through the core) all read them from here, so a
 * technician calibrating with `booth face compare` sees the decisions the kiosk would make.
 */
import { z } from 'zod';
import { DEFAULT_FACE_THRESHOLDS, faceThresholdsSchema, type FaceThresholds } from './policy.js';

/** The variables that set the thresholds. */
export const FACE_THRESHOLD_ENV = { match: 'BOOTH_FACE_MATCH', noMatch: 'BOOTH_FACE_NO_MATCH' } as const;

/** A threshold setting that cannot be used; the message names the variable. */
export class FaceConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FaceConfigError';
  }
}

const numberText = z
  .string()
  .trim()
  .regex(/^(0(\.\d+)?|1(\.0+)?|\.\d+)$/, 'must be a number from 0 to 1');

/** Reads the thresholds from the environment (unset or empty = default); throws {@link FaceConfigError}. */
export function faceThresholdsFromEnv(env: Readonly<Record<string, string | undefined>>): FaceThresholds {
  const read = (key: keyof FaceThresholds): number => {
    const variable = FACE_THRESHOLD_ENV[key];
    const text = env[variable];
    if (text === undefined || text.trim() === '') return DEFAULT_FACE_THRESHOLDS[key];
    const parsed = numberText.safeParse(text);
    if (!parsed.success)
      throw new FaceConfigError(`${variable}='${text}' ${parsed.error.issues[0]?.message}`);
    return Number(parsed.data);
  };
  const thresholds = { match: read('match'), noMatch: read('noMatch') };
  const parsed = faceThresholdsSchema.safeParse(thresholds);
  if (!parsed.success)
    throw new FaceConfigError(
      `${FACE_THRESHOLD_ENV.noMatch} (${thresholds.noMatch}) must be below ${FACE_THRESHOLD_ENV.match} (${thresholds.match})`,
    );
  return parsed.data;
}
