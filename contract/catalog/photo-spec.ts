/**
 * The certificate photo's specification as a catalog gives it per service (`certificatePhoto.spec`): pure zod, shared
 * by the catalog's schema, the kiosk's photo checks (main/services/face/photo.ts) and the renderer.
 */
import { z } from 'zod';

const fraction = z.number().min(0).max(1);

/**
 * What a service's certificate photo must look like. Heights and offsets are fractions of the photo: the head
 * (crown to chin) fills `headHeight` of the height, the crown sits `headTop` below the top edge, and the head's
 * centre line is at most `maxCentreOffset` of the width from the photo's centre line.
 */
export const photoSpecSchema = z
  .strictObject({
    width: z.number().int().min(100).max(1200),
    height: z.number().int().min(100).max(1600),
    headHeight: z.strictObject({ min: fraction, max: fraction }),
    headTop: z.strictObject({ min: fraction, max: fraction }),
    maxCentreOffset: fraction,
  })
  .refine((s) => s.headHeight.min < s.headHeight.max && s.headTop.min < s.headTop.max, {
    message: 'each range needs min below max',
  })
  .refine((s) => s.headTop.max + s.headHeight.max < 1, { message: 'the head must fit in the photo' });

/** A certificate photo specification (see {@link photoSpecSchema}). */
export type PhotoSpec = z.infer<typeof photoSpecSchema>;
