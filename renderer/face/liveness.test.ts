import { describe, expect, it } from 'vitest';
import {
  type Observation,
  drawChallenge,
  eyeOpenness,
  judgeChallenge,
  steadyBaseline,
  type MeshPoint,
} from './liveness.js';

/** Frames every 100 ms from `from`, with yaw and eyes given per frame. */
function frames(from: number, spec: ReadonlyArray<Partial<Observation>>): Observation[] {
  return spec.map((s, i) => ({ at: from + i * 100, faces: 1, yaw: 0, eyes: 0.3, ...s }));
}
const steady = frames(
  0,
  Array.from({ length: 10 }, () => ({})),
); // 0..900 ms, frontal, eyes open
const ISSUED = 900;

describe('judgeChallenge', () => {
  it('fails a replayed still: nothing moves, so the deadline passes', () => {
    const still = [
      ...steady,
      ...frames(
        1000,
        Array.from({ length: 80 }, () => ({})),
      ),
    ];
    expect(judgeChallenge('turn-left', still, ISSUED, 7800)).toEqual({ status: 'pending' });
    expect(judgeChallenge('turn-left', still, ISSUED, 9000)).toEqual({ status: 'failed', reason: 'timeout' });
    expect(judgeChallenge('blink', still, ISSUED, 9000)).toEqual({ status: 'failed', reason: 'timeout' });
  });

  it('passes a turn in the asked direction followed by a return to frontal', () => {
    const turn = frames(1000, [{ yaw: 8 }, { yaw: 15 }, { yaw: 24 }, { yaw: 12 }, { yaw: 3 }]);
    expect(judgeChallenge('turn-left', [...steady, ...turn], ISSUED, 1500)).toEqual({
      status: 'passed',
      at: 1400,
    });
    const right = turn.map((f) => ({ ...f, yaw: -f.yaw }));
    expect(judgeChallenge('turn-right', [...steady, ...right], ISSUED, 1500).status).toBe('passed');
  });

  it('does not pass a turn that never comes back, and fails the other direction', () => {
    const away = frames(1000, [{ yaw: 20 }, { yaw: 25 }, { yaw: 26 }]);
    expect(judgeChallenge('turn-left', [...steady, ...away], ISSUED, 1300)).toEqual({ status: 'pending' });
    expect(judgeChallenge('turn-right', [...steady, ...away], ISSUED, 1300)).toEqual({
      status: 'failed',
      reason: 'wrong-motion',
    });
  });

  it('passes a blink against the citizen’s own baseline, and fails a turn during a blink challenge', () => {
    const blink = frames(1000, [{ eyes: 0.29 }, { eyes: 0.12 }, { eyes: 0.08 }, { eyes: 0.28 }]);
    expect(judgeChallenge('blink', [...steady, ...blink], ISSUED, 1400)).toEqual({
      status: 'passed',
      at: 1300,
    });
    const turn = frames(1000, [{ yaw: 25 }]);
    expect(judgeChallenge('blink', [...steady, ...turn], ISSUED, 1100)).toEqual({
      status: 'failed',
      reason: 'wrong-motion',
    });
  });

  it('judges at a kiosk’s slow frame rate (about one frame a second)', () => {
    const slow = (from: number, spec: ReadonlyArray<Partial<Observation>>): Observation[] =>
      spec.map((x, i) => ({ at: from + i * 900, faces: 1, yaw: 0, eyes: 0.3, ...x }));
    const base = slow(0, [{}, {}]); // 0 and 900 ms
    expect(steadyBaseline(base, 900).steady).toBe(true);
    // One frame caught with the eyes closed, the next open again: a blink.
    const blink = slow(1800, [{ eyes: 0.12 }, { eyes: 0.3 }]);
    expect(judgeChallenge('blink', [...base, ...blink], 900, 2700)).toEqual({ status: 'passed', at: 2700 });
    // A single frame is not a steady moment.
    expect(steadyBaseline(slow(0, [{}]), 900).steady).toBe(false);
  });

  it('fails when a second face appears', () => {
    const two = frames(1000, [{ faces: 2 }]);
    expect(judgeChallenge('blink', [...steady, ...two], ISSUED, 1100)).toEqual({
      status: 'failed',
      reason: 'multiple-faces',
    });
  });

  it('does not count a challenge issued before a steady frontal moment', () => {
    const moving = frames(0, [{ yaw: 30 }, { yaw: 20 }, { yaw: 0 }, { yaw: 0 }]);
    expect(steadyBaseline(moving, 300).steady).toBe(false);
    expect(judgeChallenge('blink', moving, 300, 400)).toEqual({ status: 'failed', reason: 'not-steady' });
    expect(steadyBaseline(steady, ISSUED)).toEqual({ steady: true, eyes: 0.3 });
  });
});

describe('drawChallenge', () => {
  it('draws each challenge across the range', () => {
    expect(drawChallenge(() => 0)).toBe('blink');
    expect(drawChallenge(() => 0.5)).toBe('turn-left');
    expect(drawChallenge(() => 0.999)).toBe('turn-right');
    expect(['blink', 'turn-left', 'turn-right']).toContain(drawChallenge());
  });
});

describe('eyeOpenness', () => {
  it('is the lid gap over the eye width, and null without a full mesh', () => {
    const mesh: MeshPoint[] = Array.from({ length: 468 }, () => [0, 0, 0] as const);
    const eye = (outer: number, inner: number, upper: number, lower: number, x: number): void => {
      mesh[outer] = [x, 50, 0];
      mesh[inner] = [x + 40, 50, 0];
      mesh[upper] = [x + 20, 44, 0];
      mesh[lower] = [x + 20, 56, 0];
    };
    eye(33, 133, 159, 145, 0);
    eye(263, 362, 386, 374, 100);
    expect(eyeOpenness(mesh)).toBeCloseTo(12 / 40, 10);
    expect(eyeOpenness(mesh.slice(0, 100))).toBeNull();
  });
});
