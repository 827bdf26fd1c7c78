/**
 * The face step of a visit: the core decides from the reported score with its own thresholds, retries a
 * no-match up to three times, sends uncertain / failed / declined checks to an officer's review, and records
 * only the outcome on the transaction.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { maskIdNumber } from '../../../drivers/id-card/id-number.js';
import type { IdCardData } from '../../../drivers/id-card/types.js';
import { validateCatalog } from '../../../contract/catalog/schema.js';
import { MAX_FACE_ATTEMPTS, VisitService, type VisitCompletion } from './visit-service.js';
import { SAVED_VISIT, residentCard } from './visit-test-support.js';

const parsed = validateCatalog(JSON.parse(readFileSync('resources/catalog/default-catalog.json', 'utf8')));
if (!parsed.ok) throw new Error('default catalog invalid');
const catalog = parsed.value;
const faceService =
  catalog.services.find((s) => s.identity === 'id-card+face' && s.form.fields.length === 0) ??
  catalog.services.find((s) => s.identity === 'id-card+face');
const cardOnly = catalog.services.find((s) => s.identity === 'id-card');

const card: IdCardData = residentCard();

async function atFaceStep(
  serviceId: string,
): Promise<{ visits: VisitService; completions: VisitCompletion[] }> {
  const completions: VisitCompletion[] = [];
  const visits = new VisitService({
    catalog: () => catalog,
    maskIdNumber,
    onChange: () => undefined,
    faceThresholds: { match: 0.65, noMatch: 0.5 },
    complete: async (c) => {
      completions.push(c);
      return { ok: true, value: SAVED_VISIT };
    },
  });
  await visits.start([serviceId]);
  visits.cardRead({ ...card, photoWlt: card.photoWlt.slice() });
  visits.proceed();
  return { visits, completions };
}

/** Fills every required field with something valid enough for the service's form. */
function formFor(serviceId: string): Record<string, Record<string, string | boolean>> {
  const service = catalog.services.find((s) => s.id === serviceId);
  const values: Record<string, string | boolean> = {};
  for (const f of service?.form.fields ?? []) {
    if (f.prefill || !f.required) continue;
    values[f.id] =
      f.type === 'checkbox' ? true : f.type === 'select' ? (f.options?.[0]?.value ?? 'x') : 'text 1234567890';
  }
  return { [serviceId]: values };
}

describe('the face step', () => {
  it('verifies a live match and records face-verified on the transaction', async () => {
    const { visits, completions } = await atFaceStep(faceService!.id);
    expect(visits.current()).toMatchObject({ step: 'form', faceCheck: 'pending', face: { attempts: 0 } });
    expect(visits.reportFace({ action: 'attempt', score: 0.81, liveness: true })).toMatchObject({
      ok: true,
      value: { step: 'form', faceCheck: 'face-verified', face: { attempts: 1, last: 'match' } },
    });
    // Nothing more can be reported once it has its outcome.
    expect(visits.reportFace({ action: 'decline' })).toMatchObject({ ok: false });
    const done = await visits.submit('zh-CN', formFor(faceService!.id));
    expect(done).toMatchObject({ ok: true, value: { step: 'done' } });
    expect(completions[0]?.faceCheck).toBe('face-verified');
    visits.dispose();
  });

  it('never verifies a high score whose live challenge failed, and goes to review after three tries', async () => {
    const { visits } = await atFaceStep(faceService!.id);
    for (let i = 1; i < MAX_FACE_ATTEMPTS; i++) {
      expect(visits.reportFace({ action: 'attempt', score: 0.99, liveness: false })).toMatchObject({
        value: { faceCheck: 'pending', face: { attempts: i, last: 'liveness-failed' } },
      });
    }
    expect(visits.reportFace({ action: 'attempt', score: 0.2, liveness: true })).toMatchObject({
      value: { faceCheck: 'officer-review', face: { attempts: 3, last: 'no-match' } },
    });
    visits.dispose();
  });

  it('decides with the core’s thresholds: an uncertain score goes to review at once', async () => {
    const { visits } = await atFaceStep(faceService!.id);
    expect(visits.reportFace({ action: 'attempt', score: 0.6, liveness: true })).toMatchObject({
      value: { faceCheck: 'officer-review', face: { last: 'uncertain' } },
    });
    visits.dispose();
  });

  it('records officer-review when the citizen declines', async () => {
    const { visits, completions } = await atFaceStep(faceService!.id);
    expect(visits.reportFace({ action: 'decline' })).toMatchObject({
      value: { faceCheck: 'officer-review', face: { last: 'declined' } },
    });
    await visits.submit('en', formFor(faceService!.id));
    expect(completions[0]?.faceCheck).toBe('officer-review');
    visits.dispose();
  });

  it('records officer-review when the kiosk cannot make the check (no camera, no usable card photo)', async () => {
    const { visits, completions } = await atFaceStep(faceService!.id);
    expect(visits.reportFace({ action: 'unavailable', reason: 'no-camera' })).toMatchObject({
      value: { faceCheck: 'officer-review', face: { attempts: 0, last: 'unavailable' } },
    });
    await visits.submit('en', formFor(faceService!.id));
    expect(completions[0]?.faceCheck).toBe('officer-review');
    visits.dispose();
  });

  it('does not carry a face check over to another card placed after going back', async () => {
    const { visits } = await atFaceStep(faceService!.id);
    visits.reportFace({ action: 'attempt', score: 0.9, liveness: true });
    expect(visits.current()).toMatchObject({ faceCheck: 'face-verified' });
    visits.back(); // form → confirm
    visits.back(); // confirm → identify, card kept
    visits.cardRead({ ...card, name: '李四', photoWlt: card.photoWlt.slice() });
    visits.proceed(); // → confirm
    visits.proceed(); // → form
    expect(visits.current()).toMatchObject({
      step: 'form',
      faceCheck: 'pending',
      face: { attempts: 0, last: null },
    });
    visits.dispose();
  });

  it('records officer-review when no face check was made before submitting', async () => {
    const { visits, completions } = await atFaceStep(faceService!.id);
    await visits.submit('en', formFor(faceService!.id));
    expect(completions[0]?.faceCheck).toBe('officer-review');
    expect(visits.reportFace({ action: 'decline' })).toMatchObject({
      ok: false,
      error: { code: 'wrong-step' },
    });
    visits.dispose();
  });

  it('has no face step for services that do not ask for one', async () => {
    const { visits } = await atFaceStep(cardOnly!.id);
    expect(visits.current()).toMatchObject({ step: 'form', faceCheck: 'not-needed', face: null });
    expect(visits.reportFace({ action: 'decline' })).toMatchObject({
      ok: false,
      error: { code: 'wrong-step' },
    });
    visits.dispose();
  });
});
