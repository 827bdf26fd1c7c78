/**
 * The face engine with the real models on the test images (test/fixtures/faces): same person → match,
 * different people → no-match, profile → refused with guidance, no face → no-face, two faces → refused; and
 * the `booth face` commands' output.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIO } from '../../main/cli/command.js';
import { runCli } from '../../main/cli/main.js';
import { FaceEngine } from '../../main/services/face/engine.js';
import { decodeImage, encodePng } from '../../main/services/face/image.js';
import { DEFAULT_FACE_THRESHOLDS, LIVE_GATES, evaluateQuality } from '../../main/services/face/policy.js';
import {
  FACE_FIXTURES,
  PROFILE_FILE,
  emptyFrame,
  fixtureImage,
  idCardJpeg,
  liveFrame,
  twoFaces,
} from '../support/face-variants.js';

// Real models on a shared 2-core machine: loading and each detection take seconds when others are busy.
const SLOW = 180_000;
let engine: FaceEngine;
const work = mkdtempSync(path.join(tmpdir(), 'booth-face-'));
const file = (name: string, bytes: Uint8Array): string => {
  const p = path.join(work, name);
  writeFileSync(p, bytes);
  return p;
};

beforeAll(async () => {
  engine = await FaceEngine.load();
}, SLOW);
afterAll(() => undefined);

describe('face engine (real models)', () => {
  const t = DEFAULT_FACE_THRESHOLDS;

  it(
    'matches each person’s ID-style card photo with a live frame of them',
    async () => {
      for (const person of ['collins', 'hopper'] as const) {
        const r = await engine.compare(decodeImage(idCardJpeg(person)), liveFrame(person), t);
        expect(r.decision, person).toBe('match');
        expect(r.score).toBeGreaterThanOrEqual(t.match);
      }
    },
    SLOW,
  );

  it(
    'does not match different people',
    async () => {
      const r1 = await engine.compare(decodeImage(idCardJpeg('collins')), liveFrame('hopper'), t);
      const r2 = await engine.compare(decodeImage(idCardJpeg('hopper')), liveFrame('collins'), t);
      for (const r of [r1, r2]) {
        expect(r.decision).toBe('no-match');
        expect(r.score).toBeLessThanOrEqual(t.noMatch);
      }
    },
    SLOW,
  );

  it(
    'refuses a profile face with guidance to face the camera, and makes no decision',
    async () => {
      const r = await engine.compare(decodeImage(idCardJpeg('collins')), fixtureImage(PROFILE_FILE), t);
      expect(r.decision).toBe('unusable');
      expect(r.score).toBeNull();
      expect(r.images[1].problems).toEqual(['face-camera']);
    },
    SLOW,
  );

  it(
    'says no-face for a frame with nobody in it',
    async () => {
      const r = await engine.compare(decodeImage(idCardJpeg('collins')), emptyFrame(), t);
      expect(r.decision).toBe('no-face');
      expect(r.score).toBeNull();
    },
    SLOW,
  );

  it(
    'refuses a frame with two people',
    async () => {
      const r = await engine.compare(decodeImage(idCardJpeg('collins')), twoFaces(), t);
      expect(r.decision).toBe('unusable');
      expect(r.images[1].faces).toBe(2);
      expect(r.images[1].problems).toContain('multiple-faces');
    },
    SLOW,
  );

  it(
    'passes a well-framed live frame through the live gates and fails the profile on pose only',
    async () => {
      const live = liveFrame('hopper');
      const a = await engine.analyse(live);
      expect(evaluateQuality(a.faces, a, LIVE_GATES).problems).toEqual([]);
      const profile = fixtureImage(PROFILE_FILE);
      const p = await engine.analyse(profile);
      expect(evaluateQuality(p.faces, p, LIVE_GATES).problems).toEqual(['face-camera']);
    },
    SLOW,
  );
});

function collectingIO(env: Record<string, string> = {}): CliIO & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    stdout: (s) => out.push(s),
    stderr: (s) => err.push(s),
    env,
    signal: new AbortController().signal,
  };
}

describe('booth face', () => {
  it(
    'compare --json prints the decision, the score and the thresholds, and no descriptor',
    async () => {
      const card = file('collins-card.jpg', idCardJpeg('collins'));
      const live = file('collins-live.png', encodePng(liveFrame('collins')));
      const io = collectingIO();
      expect(await runCli(['face', 'compare', card, live, '--json'], io)).toBe(0);
      const out = JSON.parse(io.out.join('')) as Record<string, unknown>;
      expect(out).toMatchObject({ decision: 'match', thresholds: DEFAULT_FACE_THRESHOLDS });
      expect(out['score']).toEqual(expect.any(Number));
      expect(io.out.join('')).not.toMatch(/embedding|descriptor/i);
      // The kiosk's configured thresholds are the ones applied.
      const strict = collectingIO({ BOOTH_FACE_MATCH: '0.99', BOOTH_FACE_NO_MATCH: '0.98' });
      expect(await runCli(['face', 'compare', card, live, '--json'], strict)).toBe(0);
      expect(JSON.parse(strict.out.join(''))).toMatchObject({ decision: 'no-match' });
    },
    SLOW,
  );

  it(
    'check reports each gate and the guidance for a profile',
    async () => {
      const io = collectingIO();
      expect(await runCli(['face', 'check', path.join(FACE_FIXTURES, PROFILE_FILE), '--json'], io)).toBe(0);
      const out = JSON.parse(io.out.join('')) as {
        ok: boolean;
        problems: string[];
        gates: { gate: string }[];
      };
      expect(out.ok).toBe(false);
      expect(out.problems).toEqual(['face-camera']);
      expect(out.gates.map((g) => g.gate)).toEqual([
        'one-face',
        'face-size',
        'framing',
        'sharpness',
        'exposure',
        'frontal-pose',
      ]);
    },
    SLOW,
  );

  it('fails in one line on an unreadable file or a bad threshold', async () => {
    const io = collectingIO();
    expect(
      await runCli(['face', 'compare', path.join(work, 'missing.jpg'), path.join(work, 'x.png')], io),
    ).toBe(1);
    expect(io.err.join('')).toMatch(/cannot read .*missing\.jpg \(ENOENT\)/);
    const bad = collectingIO({ BOOTH_FACE_MATCH: 'high' });
    const card = file('c.jpg', idCardJpeg('collins'));
    expect(await runCli(['face', 'compare', card, card], bad)).toBe(2);
    expect(bad.err.join('').trim().split('\n')).toHaveLength(1);
  });
});
