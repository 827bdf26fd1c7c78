/**
 * The certificate photo step of a visit: only services that ask for one have it; the core re-checks the JPEG it
 * receives (size limit, the spec's pixel size, decodes whole) whatever the renderer checked; a decline is
 * recorded and the visit goes on; the photo travels with the completion and is wiped from the visit after it.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { maskIdNumber } from '../../../drivers/id-card/id-number.js';
import type { IdCardData } from '../../../drivers/id-card/types.js';
import { photoReportSchema } from '../../api/kiosk-api.js';
import { validateCatalog } from '../../../contract/catalog/schema.js';
import { encodeJpeg, solid } from '../face/image.js';
import { SAVED_VISIT, residentCard } from './visit-test-support.js';
import { VisitService, type VisitCompletion } from './visit-service.js';

const parsed = validateCatalog(JSON.parse(readFileSync('resources/catalog/default-catalog.json', 'utf8')));
if (!parsed.ok) throw new Error('default catalog invalid');
const catalog = parsed.value;
const PERMIT = 'hk-macao-permit-application';

const card: IdCardData = residentCard();

const jpegOf = (width: number, height: number): Uint8Array =>
  encodeJpeg(solid(width, height, [236, 238, 240]), 90);
const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

/** A visit of `serviceId` at the form step; completions are copied (the visit wipes its photo after). */
async function atFormStep(
  serviceId: string,
): Promise<{ visits: VisitService; completions: { c: VisitCompletion; jpeg: Uint8Array | null }[] }> {
  const completions: { c: VisitCompletion; jpeg: Uint8Array | null }[] = [];
  const visits = new VisitService({
    catalog: () => catalog,
    maskIdNumber,
    onChange: () => undefined,
    complete: async (c) => {
      const photo = c.certificatePhoto;
      completions.push({ c, jpeg: photo?.status === 'provided' ? photo.jpeg.slice() : null });
      return { ok: true, value: SAVED_VISIT };
    },
  });
  await visits.start([serviceId]);
  visits.cardRead({ ...card, photoWlt: card.photoWlt.slice() });
  visits.proceed();
  return { visits, completions };
}

const form = { [PERMIT]: { applicationType: 'first' } };

describe('the certificate photo step', () => {
  it('is asked by the permit application with its 358×441 spec and the counter alternative', async () => {
    const { visits } = await atFormStep(PERMIT);
    expect(visits.current()).toMatchObject({
      step: 'form',
      certificatePhoto: {
        status: 'pending',
        spec: { width: 358, height: 441 },
        serviceIds: [PERMIT],
        alternative: { 'zh-CN': expect.stringContaining('出入境接待窗口') },
      },
    });
    visits.dispose();
  });

  it('keeps a 358×441 JPEG, hands it to the completion, and wipes it from the visit afterwards', async () => {
    const { visits, completions } = await atFormStep(PERMIT);
    const jpeg = jpegOf(358, 441);
    expect(visits.reportPhoto({ action: 'submit', jpeg: b64(jpeg) })).toMatchObject({
      ok: true,
      value: { certificatePhoto: { status: 'provided' } },
    });
    expect(await visits.submit('zh-CN', form)).toMatchObject({ ok: true, value: { step: 'done' } });
    const done = completions[0];
    expect(done?.c.certificatePhoto).toMatchObject({
      status: 'provided',
      serviceIds: [PERMIT],
      width: 358,
      height: 441,
    });
    expect(done?.jpeg).toEqual(jpeg);
    // The visit's own copy is overwritten once the transaction holds it.
    const kept = done?.c.certificatePhoto;
    expect(kept?.status === 'provided' && kept.jpeg.every((b) => b === 0)).toBe(true);
    visits.dispose();
  });

  it('refuses a JPEG of another size, bytes that are not a JPEG, and a JPEG that does not decode', async () => {
    const { visits } = await atFormStep(PERMIT);
    const broken = jpegOf(358, 441).slice(0, 700);
    for (const [bytes, problem] of [
      [jpegOf(400, 500), 'wrong-size'],
      [new Uint8Array(2000).fill(65), 'not-jpeg'],
      [broken, 'undecodable'],
    ] as const) {
      expect(visits.reportPhoto({ action: 'submit', jpeg: b64(bytes) })).toMatchObject({
        ok: false,
        error: { code: 'invalid-params', detail: `certificate photo: ${problem}` },
      });
    }
    expect(visits.current()).toMatchObject({ certificatePhoto: { status: 'pending' } });
    visits.dispose();
  });

  it('refuses an oversized photo, or one that is not base64, at the API boundary', () => {
    const huge = b64(new Uint8Array(160_000).fill(1));
    expect(photoReportSchema.safeParse({ action: 'submit', jpeg: huge }).success).toBe(false);
    expect(photoReportSchema.safeParse({ action: 'submit', jpeg: 'not base64!' }).success).toBe(false);
    expect(photoReportSchema.safeParse({ action: 'submit', jpeg: b64(jpegOf(358, 441)) }).success).toBe(true);
  });

  it('records a decline and goes on: the transaction says the photo is to come to the counter', async () => {
    const { visits, completions } = await atFormStep(PERMIT);
    expect(visits.reportPhoto({ action: 'decline' })).toMatchObject({
      ok: true,
      value: { step: 'form', certificatePhoto: { status: 'declined' } },
    });
    await visits.submit('en', form);
    expect(completions[0]?.c.certificatePhoto).toEqual({ status: 'declined', serviceIds: [PERMIT] });
    visits.dispose();
  });

  it('does not carry a photo over to another card placed after going back', async () => {
    const { visits } = await atFormStep(PERMIT);
    visits.reportPhoto({ action: 'submit', jpeg: b64(jpegOf(358, 441)) });
    visits.back();
    visits.back();
    visits.cardRead({ ...card, name: '李四', photoWlt: card.photoWlt.slice() });
    visits.proceed();
    visits.proceed();
    expect(visits.current()).toMatchObject({ step: 'form', certificatePhoto: { status: 'pending' } });
    visits.dispose();
  });

  it('has no photo step for services that do not ask for one', async () => {
    const { visits } = await atFormStep('household-certificate');
    expect(visits.current()).toMatchObject({ certificatePhoto: null });
    expect(visits.reportPhoto({ action: 'decline' })).toMatchObject({
      ok: false,
      error: { code: 'wrong-step' },
    });
    visits.dispose();
  });
});
