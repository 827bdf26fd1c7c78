/**
 * Views the renderer's tests build screens from: the demonstration catalog and visits at each step. No Han
 * characters here: the font build takes every character of the renderer's non-test sources into the first-paint
 * subset (scripts/fonts/renderer-fonts.ts), and test data must not change what the kiosk ships.
 */
import signed from '../../resources/catalog/default-catalog.signed.json';
import type { Catalog, IdentityView, KioskInfo, VisitView } from '../../main/api/views.js';

/** The demonstration catalog, as `catalog.get` returns it. */
export const demoCatalog = signed.catalog as unknown as Catalog;

/** A card as the core shows it: name and masked number only. */
export const identity: IdentityView = {
  cardType: 'resident',
  name: 'ZHANG San',
  idNumberMasked: '1101**********0015',
  idNumberValid: true,
  photo: null,
  englishName: null,
  expiredOn: null,
};

/** A visit for `serviceIds` at `step`; `over` sets anything else. */
export function visitAt(
  step: VisitView['step'],
  serviceIds: readonly string[],
  over: Partial<VisitView> = {},
): VisitView {
  return {
    id: 'visit-1',
    serviceIds,
    step,
    needsIdentity: true,
    eligibleCardTypes: ['resident'],
    identity: step === 'identify' ? null : identity,
    cardProblem: null,
    faceCheck: 'not-needed',
    face: null,
    certificatePhoto: null,
    prefill: {},
    result: null,
    startedAt: '2026-12-01T08:00:00+08:00',
    ...over,
  };
}

/** The kiosk as `kiosk.info` returns it: a demonstration kiosk in service, without the simulation panel. */
export const kioskInfo: KioskInfo = {
  version: '0.1.0',
  kioskId: 'SZ-FT-0012',
  kioskName: { 'zh-CN': 'Futian', 'zh-HK': 'Futian', en: 'Futian station' },
  host: 'browser',
  mode: 'demonstration',
  simulated: false,
  service: { state: 'in-service' },
  progressLinksLocal: true,
};
