import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { maskIdNumber } from '../../../drivers/id-card/id-number.js';
import type { IdCardData } from '../../../drivers/id-card/types.js';
import type { VisitView } from '../views.js';
import { validateCatalog, type Catalog } from '../../../contract/catalog/schema.js';
import { VisitService, type VisitCompletion, type VisitServiceOptions } from './visit-service.js';
import { MISSING_PERSON_FORM } from './visit-test-support.js';
import { err, ok } from '../../../contract/result.js';
import type { StorageState } from '../../store/index.js';

const parsed = validateCatalog(JSON.parse(readFileSync('resources/catalog/default-catalog.json', 'utf8')));
if (!parsed.ok) throw new Error('default catalog invalid');
const residentOnly = parsed.value.services.find(
  (s) => s.identity !== 'none' && !s.eligibleCardTypes.includes('foreigner'),
);
// A service anyone may use without a card (e.g. an information look-up), added to the shipped catalog.
const noIdentity = residentOnly && {
  ...residentOnly,
  id: 'information-desk',
  identity: 'none' as const,
  eligibleCardTypes: [],
  form: { fields: [] },
};
const catalog: Catalog = {
  ...parsed.value,
  services: [...parsed.value.services, ...(noIdentity ? [noIdentity] : [])],
};

function card(over: Partial<IdCardData> = {}): IdCardData {
  return {
    cardType: 'resident',
    name: '张三',
    englishName: null,
    sex: 'female',
    birthDate: '1949-12-31',
    idNumber: '11010519491231002X',
    idNumberValid: true,
    ethnicity: '汉',
    address: '北京市朝阳区示例路1号',
    issuer: '北京市公安局朝阳分局',
    validFrom: '2016-01-01',
    validTo: '2036-01-01',
    nationality: null,
    passNumber: null,
    issueCount: null,
    photoWlt: new Uint8Array(1024).fill(7),
    fingerprint: null,
    ...over,
  };
}

function service(): {
  visits: VisitService;
  changes: (VisitView | null)[];
  ended: string[];
  completions: VisitCompletion[];
} {
  const changes: (VisitView | null)[] = [];
  const ended: string[] = [];
  const completions: VisitCompletion[] = [];
  const visits = new VisitService({
    catalog: () => catalog,
    maskIdNumber,
    onChange: (v) => changes.push(v),
    onEnded: (r) => ended.push(r),
    complete: async (c) => {
      completions.push(c);
      return {
        ok: true,
        value: {
          transactionNumber: 'JW-20261129-000001',
          urgent: c.services.some((s) => s.service.urgent),
          acknowledged: false,
          delivery: 'saved',
          completedAt: '2026-11-29T02:00:00.000Z',
          acknowledgedAt: null,
          receipt: { outcome: 'printed', reason: null },
          progressUrl: 'http://127.0.0.1/progress/JW-20261129-000001',
        },
      };
    },
  });
  return { visits, changes, ended, completions };
}

/** A visit service on the test catalog that reports to nobody, with `options` on top. */
function quiet(options: Partial<VisitServiceOptions> = {}): VisitService {
  return new VisitService({ catalog: () => catalog, maskIdNumber, onChange: () => undefined, ...options });
}

/** Monday 2026-11-30 10:00 local time: after the expired cards' last days, before the valid ones'. */
const MONDAY = new Date(2026, 10, 30, 10, 0).getTime();

/** Walks a visit with the household certificate through the form to the result. */
async function completeHouseholdVisit(visits: VisitService, c: IdCardData): Promise<void> {
  await visits.start(['household-certificate']);
  visits.cardRead(c);
  expect(visits.proceed()).toMatchObject({ ok: true, value: { step: 'form' } });
  expect(await visits.submit('zh-CN', { 'household-certificate': { purpose: 'employment' } })).toMatchObject({
    ok: true,
    value: { step: 'done' },
  });
}

describe('VisitService', () => {
  it('has the services the tests need in the default catalog', async () => {
    expect(residentOnly).toBeDefined();
    expect(noIdentity).toBeDefined();
  });

  it('identifies a citizen with a card and shows only the masked number', async () => {
    const { visits, changes } = service();
    const started = await visits.start([residentOnly!.id]);
    expect(started).toMatchObject({
      ok: true,
      value: { step: 'identify', needsIdentity: true, identity: null },
    });
    visits.cardRead(card());
    const view = visits.current();
    expect(view).toMatchObject({
      step: 'confirm',
      identity: { name: '张三', cardType: 'resident', idNumberValid: true },
    });
    expect(view?.identity?.idNumberMasked).not.toContain('19491231');
    expect(JSON.stringify(changes)).not.toContain('11010519491231002X');
    visits.dispose();
  });

  it('refuses ineligible cards and invalid check digits, and reports unreadable cards', async () => {
    const { visits } = service();
    await visits.start([residentOnly!.id]);
    visits.cardRead(card({ cardType: 'foreigner', idNumber: 'USA123456789012', idNumberValid: false }));
    expect(visits.current()).toMatchObject({ step: 'identify', cardProblem: { code: 'card-not-eligible' } });
    visits.cardRead(card({ idNumber: '110105194912310021', idNumberValid: false }));
    expect(visits.current()).toMatchObject({ step: 'identify', cardProblem: { code: 'id-number-invalid' } });
    visits.cardFailed({ code: 'card-read-failed', recovery: 'reinsert-card', message: 'SAM 0x41' });
    expect(visits.current()).toMatchObject({
      cardProblem: { code: 'card-read-failed', messageKey: 'card.readAgain' },
    });
    visits.cardFailed({ code: 'unknown-card-type', recovery: 'unsupported', message: 'type Z' });
    expect(visits.current()).toMatchObject({ cardProblem: { code: 'card-unsupported' } });
    visits.cardRead(card());
    expect(visits.current()).toMatchObject({ step: 'confirm', cardProblem: null });
    visits.dispose();
  });

  it('rejects unknown services, empty and duplicate-only choices, a second visit, and finishing before identifying', async () => {
    const { visits } = service();
    expect(await visits.start(['no-such-service'])).toMatchObject({
      ok: false,
      error: { code: 'unknown-service' },
    });
    expect(await visits.start([])).toMatchObject({ ok: false, error: { code: 'invalid-params' } });
    expect(visits.finish()).toMatchObject({ ok: false, error: { code: 'no-visit' } });
    await visits.start([residentOnly!.id, residentOnly!.id]);
    expect(visits.current()?.serviceIds).toEqual([residentOnly!.id]);
    expect(await visits.start([residentOnly!.id])).toMatchObject({
      ok: false,
      error: { code: 'visit-in-progress' },
    });
    expect(visits.finish()).toMatchObject({ ok: false, error: { code: 'wrong-step' } });
    expect(visits.proceed()).toMatchObject({ ok: false, error: { code: 'wrong-step' } });
    visits.dispose();
  });

  it('asks whether the kiosk can save before a visit starts, and starts none when it cannot', async () => {
    const changes: (VisitView | null)[] = [];
    let storage: StorageState = err({ code: 'disk-full', freeBytes: 1024 });
    let checks = 0;
    const visits = new VisitService({
      catalog: () => catalog,
      maskIdNumber,
      onChange: (v) => changes.push(v),
      checkStorage: async () => {
        checks += 1;
        return storage;
      },
    });
    expect(await visits.start([residentOnly!.id])).toEqual({
      ok: false,
      error: { code: 'storage-unavailable', messageKey: 'errors.storage-unavailable', detail: 'disk-full' },
    });
    expect(visits.current()).toBeNull();
    expect(changes).toEqual([]);
    // A probe that fails is no licence to start either.
    const broken = new VisitService({
      catalog: () => catalog,
      maskIdNumber,
      onChange: () => undefined,
      checkStorage: () => Promise.reject(new Error('EIO')),
    });
    expect(await broken.start([residentOnly!.id])).toMatchObject({ error: { code: 'storage-unavailable' } });
    // Two taps at once: both pass the check, one visit starts.
    storage = ok({ freeBytes: 1e9 });
    const both = await Promise.all([visits.start([residentOnly!.id]), visits.start([residentOnly!.id])]);
    expect(both.map((r) => (r.ok ? 'ok' : r.error.code)).sort()).toEqual(['ok', 'visit-in-progress']);
    expect(checks).toBe(3);
    visits.dispose();
  });

  it('prefills forms from the card (ID number masked), validates them, and completes with the full values', async () => {
    const { visits, completions } = service();
    await visits.start(['household-certificate']);
    visits.cardRead(card());
    expect(await visits.submit('zh-CN', {})).toMatchObject({ ok: false, error: { code: 'wrong-step' } });
    const form = visits.proceed();
    expect(form.ok && form.value.prefill['household-certificate']).toMatchObject({
      name: { value: '张三', masked: false },
      idNumber: { masked: true },
      cardAddress: { value: '北京市朝阳区示例路1号', masked: false },
    });
    expect(JSON.stringify(form)).not.toContain('11010519491231002X');

    const missing = await visits.submit('zh-CN', { 'household-certificate': {} });
    expect(missing).toMatchObject({ ok: false, error: { code: 'validation-failed' } });
    expect(missing.ok === false && JSON.parse(missing.error.detail ?? '[]')).toEqual([
      { fieldId: 'purpose', code: 'required', serviceId: 'household-certificate' },
    ]);
    expect(
      await visits.submit('zh-CN', { 'household-certificate': { purpose: 'not-an-option', extra: 'x' } }),
    ).toMatchObject({ ok: false, error: { code: 'validation-failed' } });
    expect(await visits.submit('zh-CN', { 'other-service': {} })).toMatchObject({
      ok: false,
      error: { code: 'unknown-service' },
    });

    // A tampered prefilled value is replaced by the card's.
    const done = await visits.submit('en', {
      'household-certificate': { purpose: 'employment', name: 'Someone Else' },
    });
    expect(done).toMatchObject({
      ok: true,
      value: { step: 'done', identity: null, result: { transactionNumber: 'JW-20261129-000001' } },
    });
    expect(completions).toHaveLength(1);
    expect(completions[0]).toMatchObject({ locale: 'en', faceCheck: 'officer-review' });
    expect(completions[0]?.services[0]?.values).toMatchObject({
      name: '张三',
      idNumber: '11010519491231002X',
      purpose: 'employment',
    });
    visits.acknowledged('JW-20261129-000001');
    expect(visits.current()?.result?.acknowledged).toBe(true);
    expect(visits.finish()).toEqual({ ok: true, value: null });
    visits.dispose();
  });

  it('skips identification when no chosen service needs it, and ignores cards then', async () => {
    const { visits } = service();
    await visits.start([noIdentity!.id]);
    expect(visits.current()).toMatchObject({ step: 'confirm', needsIdentity: false });
    visits.cardRead(card());
    expect(visits.current()?.identity).toBeNull();
    expect(visits.proceed()).toMatchObject({ ok: true, value: { step: 'form', prefill: {} } });
    visits.dispose();
  });

  it.each([
    [
      'an acknowledgement',
      (v: VisitService, n: string) => v.acknowledged(n),
      { acknowledged: true, delivery: 'acknowledged' },
    ],
    ['a failed attempt', (v: VisitService, n: string) => v.deliveryFailed(n), { delivery: 'retrying' }],
    [
      'the command centre’s acknowledgement',
      (v: VisitService, n: string) => {
        // The core asks the central system about the report while it is still being completed.
        expect(v.awaitsCommandCentre(n)).toBe(true);
        v.commandCentreAcknowledged(n, '2026-11-29T02:00:30.000Z');
      },
      {
        acknowledged: true,
        delivery: 'acknowledged',
        commandCentreAcknowledgedAt: '2026-11-29T02:00:30.000Z',
      },
    ],
  ] as const)('keeps %s that arrives while the receipt is still printing', async (_what, event, expected) => {
    let release: () => void = () => undefined;
    const visits = new VisitService({
      catalog: () => catalog,
      maskIdNumber,
      onChange: () => undefined,
      complete: async () => {
        // The uploader reports on the urgent report before completion (printing) returns.
        event(visits, 'JW-20261129-000009');
        await new Promise<void>((r) => (release = r));
        return {
          ok: true,
          value: {
            transactionNumber: 'JW-20261129-000009',
            urgent: true,
            acknowledged: false,
            delivery: 'saved',
            completedAt: '2026-11-29T02:00:00.000Z',
            acknowledgedAt: null,
            receipt: { outcome: 'printed', reason: null },
            progressUrl: 'http://127.0.0.1/progress/JW-20261129-000009',
          },
        };
      },
    });
    await visits.start(['household-certificate']);
    visits.cardRead(card());
    visits.proceed();
    const submitted = visits.submit('zh-CN', { 'household-certificate': { purpose: 'school' } });
    await new Promise((r) => setTimeout(r, 5));
    release();
    expect(await submitted).toMatchObject({ ok: true, value: { result: expected } });
    visits.dispose();
  });

  it('shows the decoded card photo and drops it with the card', async () => {
    const visits = new VisitService({
      catalog: () => catalog,
      maskIdNumber,
      onChange: () => undefined,
      decodePhoto: async (wlt) => (wlt[0] === 7 ? Uint8Array.of(0x42, 0x4d, 1, 2) : null),
    });
    await visits.start(['household-certificate']);
    visits.cardRead(card());
    await new Promise((r) => setTimeout(r, 5));
    expect(visits.current()?.identity?.photo).toBe('data:image/bmp;base64,Qk0BAg==');
    visits.cancel();
    expect(visits.current()).toBeNull();
    visits.dispose();
  });

  it('refuses a service outside its opening hours', async () => {
    // Sunday 2026-11-29 03:00 local time: no-criminal-record opens on weekdays and Saturday mornings only.
    const sunday = new Date(2026, 10, 29, 3, 0).getTime();
    const monday = new Date(2026, 10, 30, 10, 0).getTime();
    let now = sunday;
    const visits = new VisitService({
      catalog: () => catalog,
      maskIdNumber,
      onChange: () => undefined,
      now: () => now,
    });
    expect(await visits.start(['no-criminal-record'])).toMatchObject({
      ok: false,
      error: { code: 'service-unavailable' },
    });
    now = monday;
    expect(await visits.start(['no-criminal-record'])).toMatchObject({ ok: true });
    visits.dispose();
  });

  it('refuses service combinations no single card suits', async () => {
    const { visits } = service();
    expect(await visits.start(['household-certificate', 'hmt-residence-permit-renewal'])).toMatchObject({
      ok: false,
      error: { code: 'services-incompatible' },
    });
    expect(await visits.start(['household-certificate'])).toMatchObject({
      ok: true,
      value: { eligibleCardTypes: ['resident'] },
    });
    visits.dispose();
  });

  it('uses a card placed shortly before the visit started, and forgets an older one', async () => {
    let now = 0;
    const visits = new VisitService({
      catalog: () => catalog,
      maskIdNumber,
      onChange: () => undefined,
      now: () => now,
    });
    visits.cardRead(card());
    now = 5_000;
    expect(await visits.start(['household-certificate'])).toMatchObject({
      ok: true,
      value: { step: 'confirm', identity: { name: '张三' } },
    });
    visits.cancel();
    const old = card();
    visits.cardRead(old);
    now = 60_000;
    expect(await visits.start(['household-certificate'])).toMatchObject({
      ok: true,
      value: { step: 'identify', identity: null },
    });
    expect(old.photoWlt.every((b) => b === 0)).toBe(true);
    visits.dispose();
  });

  it('does not hold card values to catalog patterns the citizen cannot edit', async () => {
    const { visits } = service();
    await visits.start(['hmt-accommodation-registration']);
    visits.cardRead(card({ cardType: 'hmt-permit', idNumber: '830000199201300022', passNumber: '12345678' }));
    visits.proceed();
    const r = await visits.submit('zh-HK', {
      'hmt-accommodation-registration': {
        stayAddress: '深圳市福田区示例路1号',
        arrivalDate: '2026-11-28',
        departureDate: '2026-12-05',
        phone: '13800138000',
      },
    });
    expect(r).toMatchObject({ ok: true, value: { step: 'done' } });
    visits.dispose();
  });

  it('refuses to cancel while the visit is being submitted', async () => {
    let release: () => void = () => undefined;
    const visits = new VisitService({
      catalog: () => catalog,
      maskIdNumber,
      onChange: () => undefined,
      complete: async () => {
        await new Promise<void>((r) => (release = r));
        return {
          ok: true,
          value: {
            transactionNumber: 'JW-20261129-000002',
            urgent: false,
            acknowledged: false,
            delivery: 'saved',
            completedAt: '2026-11-29T02:00:00.000Z',
            acknowledgedAt: null,
            receipt: { outcome: 'printed', reason: null },
            progressUrl: 'http://127.0.0.1/progress/JW-20261129-000002',
          },
        };
      },
    });
    await visits.start(['household-certificate']);
    visits.cardRead(card());
    visits.proceed();
    const submitted = visits.submit('zh-CN', { 'household-certificate': { purpose: 'school' } });
    await new Promise((r) => setTimeout(r, 5));
    expect(visits.cancel()).toMatchObject({ ok: false, error: { code: 'wrong-step' } });
    release();
    expect(await submitted).toMatchObject({ ok: true, value: { step: 'done' } });
    expect(visits.cancel()).toEqual({ ok: true, value: null });
    visits.dispose();
  });

  it('wipes the identity when the visit ends, including the photo bytes', async () => {
    const { visits, changes, ended } = service();
    const c = card();
    await completeHouseholdVisit(visits, c);
    expect(c.photoWlt.every((b) => b === 0)).toBe(true);
    expect(visits.finish()).toEqual({ ok: true, value: null });
    expect(visits.current()).toBeNull();
    expect(changes.at(-1)).toBeNull();
    expect(ended).toEqual(['finished']);
    expect(c.photoWlt.every((b) => b === 0)).toBe(true);
    await visits.start([residentOnly!.id]);
    visits.cancel();
    expect(ended).toEqual(['finished', 'cancelled']);
    visits.dispose();
  });

  it('refuses an expired card with the date when a chosen service does not take expired cards', async () => {
    const visits = quiet({ now: () => MONDAY });
    // violation-query takes every card type and says nothing of expiry: refuse is the default.
    await visits.start(['violation-query']);
    const expired = card({ cardType: 'hmt-permit', idNumber: '810000199408230021', validTo: '2024-01-01' });
    visits.cardRead(expired);
    expect(visits.current()).toMatchObject({
      step: 'identify',
      identity: null,
      cardProblem: { code: 'card-expired', messageKey: 'card.expired', validTo: '2024-01-01' },
    });
    expect(expired.photoWlt.every((b) => b === 0)).toBe(true);
    const oldForeigner = card({
      cardType: 'foreigner',
      name: '史密斯',
      englishName: 'SMITH, JOHN EXAMPLE',
      idNumber: 'USA310079050101',
      idNumberValid: false,
      validTo: '2020-01-01',
    });
    visits.cardRead(oldForeigner);
    expect(visits.current()?.cardProblem).toMatchObject({ code: 'card-expired', validTo: '2020-01-01' });
    // Valid through its last printed day, and 长期 (no expiry) never expires.
    visits.cardRead(card({ validTo: '2026-11-30' }));
    expect(visits.current()).toMatchObject({
      step: 'confirm',
      cardProblem: null,
      identity: { expiredOn: null },
    });
    visits.cancel();
    await visits.start(['violation-query']);
    visits.cardRead(card({ validTo: null }));
    expect(visits.current()).toMatchObject({ step: 'confirm', identity: { expiredOn: null } });
    visits.dispose();
  });

  it('accepts an expired card with a notice only when every chosen service allows it', async () => {
    const visits = quiet({ now: () => MONDAY });
    expect(catalog.services.find((s) => s.id === 'missing-person')?.cardExpiry).toBe('accept-with-notice');
    await visits.start(['missing-person']);
    visits.cardRead(card({ validTo: '2024-01-01' }));
    expect(visits.current()).toMatchObject({
      step: 'confirm',
      cardProblem: null,
      identity: { name: '张三', expiredOn: '2024-01-01' },
    });
    visits.cancel();
    // One service that refuses (the default) refuses the card for the whole visit.
    await visits.start(['missing-person', 'violation-query']);
    visits.cardRead(card({ validTo: '2024-01-01' }));
    expect(visits.current()).toMatchObject({ step: 'identify', cardProblem: { code: 'card-expired' } });
    visits.dispose();
  });

  it('shows the English name a foreigner card carries beside the Chinese one', async () => {
    const { visits } = service();
    await visits.start(['violation-query']);
    visits.cardRead(
      card({
        cardType: 'foreigner-2023',
        name: '玛丽',
        englishName: 'MONTGOMERY-SMITHERSON, JANE ELIZABETH',
        idNumber: '982611198503150025',
        validTo: '2033-12-01',
      }),
    );
    expect(visits.current()?.identity).toMatchObject({
      name: '玛丽',
      englishName: 'MONTGOMERY-SMITHERSON, JANE ELIZABETH',
    });
    visits.cancel();
    await visits.start(['violation-query']);
    visits.cardRead(card());
    expect(visits.current()?.identity?.englishName).toBeNull();
    visits.dispose();
  });

  it('asks the reader to read a card still lying on it when a visit that needs one starts', async () => {
    let rescans = 0;
    const visits = quiet({ rescanCard: () => (rescans += 1) });
    await visits.start([noIdentity!.id]);
    expect(rescans).toBe(0);
    visits.cancel();
    await visits.start(['household-certificate']);
    expect(rescans).toBe(1);
    visits.cancel();
    // A card read just before the visit is used as it is: nothing to read again.
    visits.cardRead(card());
    await visits.start(['household-certificate']);
    expect(rescans).toBe(1);
    expect(visits.current()?.step).toBe('confirm');
    visits.dispose();
  });

  it('follows the transaction to the central system: saved, retrying, acknowledged (final)', async () => {
    const { visits } = service();
    await completeHouseholdVisit(visits, card());
    expect(visits.current()?.result).toMatchObject({
      delivery: 'saved',
      acknowledged: false,
      acknowledgedAt: null,
    });
    visits.deliveryFailed('JW-20261129-000999'); // another transaction
    expect(visits.current()?.result?.delivery).toBe('saved');
    visits.deliveryFailed('JW-20261129-000001');
    expect(visits.current()?.result?.delivery).toBe('retrying');
    visits.acknowledged('JW-20261129-000001');
    const acked = visits.current()?.result;
    expect(acked).toMatchObject({ delivery: 'acknowledged', acknowledged: true });
    expect(Date.parse(acked?.acknowledgedAt ?? '')).not.toBeNaN();
    visits.deliveryFailed('JW-20261129-000001');
    visits.rejected('JW-20261129-000001');
    expect(visits.current()?.result?.delivery).toBe('acknowledged');
    visits.finish();

    await completeHouseholdVisit(visits, card());
    visits.rejected('JW-20261129-000001');
    expect(visits.current()?.result).toMatchObject({ delivery: 'rejected', acknowledged: false });
    visits.dispose();
  });

  it('gives the mailbox letter its promise clocks, with due times from the acknowledgement', async () => {
    const { visits } = service();
    await visits.start(['chief-mailbox']);
    visits.cardRead(card());
    visits.proceed();
    const done = await visits.submit('zh-CN', {
      'chief-mailbox': {
        letterKind: 'suggestion',
        subject: '路灯不亮',
        body: '示例路的路灯已经坏了一周，请尽快修理。',
        phone: '13800138000',
      },
    });
    expect(done.ok && done.value.result?.promises.map((p) => [p.kind, p.withinMinutes, p.dueAt])).toEqual([
      ['signed', 10, null],
      ['answered', 30, null],
      ['first-feedback', 2880, null],
    ]);
    visits.acknowledged('JW-20261129-000001');
    const result = visits.current()?.result;
    const from = Date.parse(result?.acknowledgedAt ?? '');
    expect(result?.promises.map((p) => Date.parse(p.dueAt ?? '') - from)).toEqual([
      10 * 60_000,
      30 * 60_000,
      48 * 3_600_000,
    ]);
    visits.dispose();
  });

  it('does not let an urgent report that has not reached the command centre end without the citizen confirming', async () => {
    const { visits } = service();
    /** A missing-person report, identified and submitted. */
    const report = async (): Promise<Awaited<ReturnType<VisitService['submit']>>> => {
      await visits.start(['missing-person']);
      visits.cardRead(card());
      visits.proceed();
      return visits.submit('zh-CN', {
        'missing-person': { ...MISSING_PERSON_FORM, appearance: '灰色外套' },
      });
    };
    expect(await report()).toMatchObject({
      ok: true,
      value: { result: { urgent: true, delivery: 'saved' } },
    });
    expect(visits.finish()).toMatchObject({ ok: false, error: { code: 'urgent-not-acknowledged' } });
    visits.deliveryFailed('JW-20261129-000001');
    expect(visits.finish({})).toMatchObject({ ok: false, error: { code: 'urgent-not-acknowledged' } });
    expect(visits.inProgress).toBe(true);
    expect(visits.finish({ acceptUndelivered: true })).toEqual({ ok: true, value: null });

    // The central system storing it is not enough: no duty officer has acknowledged it yet.
    await report();
    visits.acknowledged('JW-20261129-000001');
    expect(visits.current()?.result).toMatchObject({
      delivery: 'acknowledged',
      commandCentreAcknowledgedAt: null,
    });
    expect(visits.awaitsCommandCentre('JW-20261129-000001')).toBe(true);
    expect(visits.finish()).toMatchObject({ ok: false, error: { code: 'urgent-not-acknowledged' } });
    // Another transaction's acknowledgement changes nothing.
    visits.commandCentreAcknowledged('JW-20261129-000099', '2026-11-29T02:01:00.000Z');
    expect(visits.current()?.result?.commandCentreAcknowledgedAt).toBeNull();
    // Once an officer acknowledged it, Finish needs nothing more, and the kiosk stops asking.
    visits.commandCentreAcknowledged('JW-20261129-000001', '2026-11-29T02:01:00.000Z');
    expect(visits.current()?.result?.commandCentreAcknowledgedAt).toBe('2026-11-29T02:01:00.000Z');
    expect(visits.awaitsCommandCentre('JW-20261129-000001')).toBe(false);
    expect(visits.finish()).toEqual({ ok: true, value: null });
    expect(visits.awaitsCommandCentre('JW-20261129-000001')).toBe(false);
    visits.dispose();
  });

  it('expires an abandoned visit', async () => {
    vi.useFakeTimers();
    try {
      let now = 0;
      const ended: string[] = [];
      const visits = new VisitService({
        catalog: () => catalog,
        maskIdNumber,
        onChange: () => undefined,
        onEnded: (r) => ended.push(r),
        maxIdleMs: 60_000,
        now: () => now,
      });
      await visits.start([residentOnly!.id]);
      now = 30_000;
      vi.advanceTimersByTime(30_000);
      visits.touch();
      now = 80_000;
      vi.advanceTimersByTime(50_000);
      expect(visits.inProgress).toBe(true);
      now = 200_000;
      vi.advanceTimersByTime(120_000);
      expect(visits.inProgress).toBe(false);
      expect(ended).toEqual(['expired']);
      visits.dispose();
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('VisitService.back', () => {
  it('goes back form → confirm → identify keeping the card, and a new card replaces the kept one', async () => {
    const { visits, ended } = service();
    await visits.start(['household-certificate']);
    const held = card();
    visits.cardRead(held);
    visits.proceed();
    expect(visits.current()?.step).toBe('form');
    expect(visits.back()).toMatchObject({ ok: true, value: { step: 'confirm', identity: { name: '张三' } } });
    expect(visits.back()).toMatchObject({
      ok: true,
      value: { step: 'identify', identity: { name: '张三' } },
    });
    // Going on with the kept card: confirm again, then the form with the card's values.
    expect(visits.proceed()).toMatchObject({ ok: true, value: { step: 'confirm' } });
    expect(visits.proceed()).toMatchObject({
      ok: true,
      value: { step: 'form', prefill: { 'household-certificate': { name: { value: '张三' } } } },
    });
    // Back at identify once more, another card placed on the reader takes the kept card's place.
    const first = visits.current();
    expect(first?.step).toBe('form');
    visits.back();
    visits.back();
    visits.cardRead(card({ name: '李四', idNumber: '11010519491231002X' }));
    expect(visits.current()).toMatchObject({ step: 'confirm', identity: { name: '李四' } });
    expect(held.photoWlt.every((b) => b === 0)).toBe(true);
    expect(ended).toEqual([]);
    visits.dispose();
  });

  it('ends the visit when going back from its first step, so the citizen chooses again', async () => {
    const { visits, changes, ended } = service();
    await visits.start(['household-certificate']);
    expect(visits.back()).toEqual({ ok: true, value: null });
    expect(changes.at(-1)).toBeNull();
    expect(ended).toEqual(['cancelled']);
    const held = card();
    await visits.start(['household-certificate']);
    visits.cardRead(held);
    visits.back();
    expect(visits.back()).toEqual({ ok: true, value: null });
    // Nothing of the card outlives the visit.
    expect(held.photoWlt.every((b) => b === 0)).toBe(true);
    expect(visits.back()).toMatchObject({ ok: false, error: { code: 'no-visit' } });
    visits.dispose();
  });

  it('takes a visit without a card from its form straight back to choosing', async () => {
    const { visits, ended } = service();
    await visits.start([noIdentity!.id]);
    visits.proceed();
    expect(visits.back()).toEqual({ ok: true, value: null });
    expect(ended).toEqual(['cancelled']);
    visits.dispose();
  });

  it('refuses to go back once the visit is submitted', async () => {
    const { visits } = service();
    await completeHouseholdVisit(visits, card());
    expect(visits.back()).toMatchObject({ ok: false, error: { code: 'wrong-step' } });
    expect(visits.current()?.step).toBe('done');
    visits.dispose();
  });
});
