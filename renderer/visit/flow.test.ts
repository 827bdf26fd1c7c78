import { describe, expect, it } from 'vitest';
import type { ScanView } from '../../main/api/views.js';
import { visitAt } from '../test-support/fixtures.js';
import {
  flowReducer,
  idleTimeoutEnds,
  idleWatched,
  initialFlow,
  screenOf,
  stageOf,
  type FlowAction,
  type FlowState,
} from './flow.js';

const run = (...actions: FlowAction[]): FlowState => actions.reduce(flowReducer, initialFlow);
const services = ['household-certificate'];
const typed = { [services[0]!]: { purpose: 'study' } };
const progressScan: ScanView = { text: 'BOOTH-P:abc', kind: 'progress', symbology: 'qr' };

describe('the visit flow', () => {
  it('goes attract → choose → the visit the core started, keeping what was chosen', () => {
    expect(screenOf(initialFlow).kind).toBe('attract');
    const choosing = run({ type: 'start-choosing' }, { type: 'chosen', serviceIds: services });
    expect(screenOf(choosing).kind).toBe('choose');
    const started = flowReducer(flowReducer(choosing, { type: 'request' }), {
      type: 'answered',
      visit: visitAt('identify', services),
    });
    expect(started.choosing).toBe(false);
    expect(started.busy).toBe(false);
    expect(screenOf(started).kind).toBe('identify');
    expect(started.chosen).toEqual(services);
  });

  // Breaks if Back's end of the visit wipes everything (the `backToChoose` branch) or forgets the choice.
  it('returns to choosing with the choice kept when Back leaves the first step', () => {
    const inVisit = run(
      { type: 'start-choosing' },
      { type: 'chosen', serviceIds: services },
      { type: 'answered', visit: visitAt('identify', services) },
      { type: 'typed', forms: typed },
      { type: 'request', back: true },
    );
    // The core may end the visit by its event before Back's own answer arrives: either way, choosing again.
    for (const ended of [
      flowReducer(inVisit, { type: 'visit-changed', visit: null }),
      flowReducer(inVisit, { type: 'answered', visit: null }),
    ]) {
      expect(screenOf(ended).kind).toBe('choose');
      expect(ended.chosen).toEqual(services);
      expect(ended.forms).toEqual(typed);
      expect(ended.wipeKey).toBe(inVisit.wipeKey);
      expect(ended.backToChoose).toBe(false);
    }
  });

  // Breaks if a visit the core ended (expired) kept anything: elder mode, the choice, what was typed, the error,
  // overlays (wipeKey).
  it('wipes everything when the core ends a visit the citizen did not go back from', () => {
    const inVisit = run(
      { type: 'elder', on: true },
      { type: 'start-choosing' },
      { type: 'chosen', serviceIds: services },
      { type: 'answered', visit: visitAt('form', services) },
      { type: 'typed', forms: typed },
      { type: 'refused', error: 'errors.internal' },
    );
    const ended = flowReducer(inVisit, { type: 'visit-changed', visit: null });
    expect(ended).toEqual({ ...initialFlow, wipeKey: inVisit.wipeKey + 1 });
    expect(screenOf(ended).kind).toBe('attract');
  });

  it('keeps the visit and says why when Back is refused', () => {
    const visit = visitAt('confirm', services);
    const refused = run(
      { type: 'answered', visit },
      { type: 'request', back: true },
      { type: 'refused', error: 'errors.no-visit' },
    );
    expect(refused).toMatchObject({ visit, busy: false, error: 'errors.no-visit', backToChoose: false });
    // A later end of the visit is no longer Back's: it wipes.
    expect(screenOf(flowReducer(refused, { type: 'visit-changed', visit: null })).kind).toBe('attract');
  });

  it('shows the face check, then the certificate photo, then the forms at the core’s form step', () => {
    const visit = visitAt('form', services, {
      face: { attempts: 0, maxAttempts: 3, last: null },
      faceCheck: 'pending',
      certificatePhoto: {
        status: 'pending',
        spec: { widthPx: 358, heightPx: 441 } as never,
        alternative: { 'zh-CN': '', 'zh-HK': '', en: '' },
        serviceIds: services,
      },
    });
    const atFace = run({ type: 'answered', visit });
    expect(screenOf(atFace).kind).toBe('face');
    expect(stageOf(screenOf(atFace))).toBe('confirm');
    // Seen, but the core still holds the check as pending (another card after Back): asked again.
    expect(screenOf(flowReducer(atFace, { type: 'face-done', visitId: visit.id })).kind).toBe('face');
    const checked = { ...visit, faceCheck: 'officer-review' as const };
    const atPhoto = run({ type: 'answered', visit: checked }, { type: 'face-done', visitId: visit.id });
    expect(screenOf(atPhoto)).toMatchObject({ kind: 'photo', step: checked.certificatePhoto });
    expect(stageOf(screenOf(atPhoto))).toBe('form');
    const declined = {
      ...checked,
      certificatePhoto: { ...checked.certificatePhoto!, status: 'declined' as const },
    };
    const atForm = run(
      { type: 'answered', visit: declined },
      { type: 'face-done', visitId: visit.id },
      { type: 'photo-done', visitId: visit.id },
    );
    expect(screenOf(atForm).kind).toBe('form');
    // A new visit asks again.
    const next = flowReducer(atForm, { type: 'answered', visit: { ...visit, id: 'visit-2' } });
    expect(screenOf(next).kind).toBe('face');
  });

  it('skips the confirmation of a visit without a card', () => {
    expect(screenOf(run({ type: 'answered', visit: visitAt('confirm', services) }))).toMatchObject({
      kind: 'confirm',
      skip: false,
    });
    expect(
      screenOf(run({ type: 'answered', visit: visitAt('confirm', services, { needsIdentity: false }) })),
    ).toMatchObject({ kind: 'confirm', skip: true });
  });

  // Breaks if a scanned receipt took the screen over during a visit, or did not open the look-up between visits.
  it('opens the progress look-up for a receipt scanned between visits only', () => {
    const between = run({ type: 'scanned', scan: progressScan });
    expect(screenOf(between)).toEqual({ kind: 'progress', scan: { code: progressScan.text, seq: 1 } });
    // The same code again looks up again.
    expect(flowReducer(between, { type: 'scanned', scan: progressScan }).progressScan?.seq).toBe(2);
    const during = run(
      { type: 'answered', visit: visitAt('form', services) },
      { type: 'scanned', scan: progressScan },
    );
    expect(screenOf(during).kind).toBe('form');
    expect(during.scan).toBe(progressScan);
    expect(screenOf(run({ type: 'start-choosing' }, { type: 'scanned', scan: progressScan })).kind).toBe(
      'choose',
    );
    expect(
      screenOf(run({ type: 'technician', open: true }, { type: 'scanned', scan: progressScan })).kind,
    ).toBe('technician');
  });

  it('clears a scan banner only for its own scan', () => {
    const other: ScanView = { ...progressScan, kind: 'unknown' };
    const shown = run({ type: 'scanned', scan: progressScan }, { type: 'scanned', scan: other });
    expect(flowReducer(shown, { type: 'scan-shown', scan: progressScan }).scan).toBe(other);
    expect(flowReducer(shown, { type: 'scan-shown', scan: other }).scan).toBeNull();
  });

  it('shows the technician screen only between visits', () => {
    const open = run({ type: 'technician', open: true });
    expect(screenOf(open).kind).toBe('technician');
    expect(stageOf(screenOf(open))).toBeNull();
    const withVisit = flowReducer(open, { type: 'visit-loaded', visit: visitAt('done', services) });
    expect(screenOf(withVisit).kind).toBe('done');
    expect(stageOf(screenOf(withVisit))).toBe('done');
  });

  it('ends on idle what is open: the technician session, the look-up, or the visit', () => {
    expect(idleWatched(initialFlow)).toBe(false);
    expect(idleTimeoutEnds(run({ type: 'technician', open: true }))).toBe('technician');
    expect(idleWatched(run({ type: 'open-progress' }))).toBe(true);
    expect(idleTimeoutEnds(run({ type: 'open-progress' }))).toBe('progress');
    const visit = run({ type: 'visit-loaded', visit: visitAt('form', services) });
    expect(idleWatched(visit)).toBe(true);
    expect(idleTimeoutEnds(flowReducer(visit, { type: 'open-progress' }))).toBe('visit');
  });
});
