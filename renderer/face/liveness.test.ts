import { describe, expect, it } from 'vitest';
import {
  CHALLENGES,
  LIVENESS_RULES,
  type Challenge,
  type ChallengeSequence,
  type ChallengeState,
  type Observation,
  drawHoldMs,
  drawSequence,
  eyeOpenness,
  judgeSequence,
  steadyBaseline,
  type MeshPoint,
} from './liveness.js';

const R = LIVENESS_RULES;

/** Every sequence the kiosk can draw: two different challenges, in order. */
const SEQUENCES: ChallengeSequence[] = CHALLENGES.flatMap((a) =>
  CHALLENGES.filter((b) => b !== a).map((b): ChallengeSequence => [a, b]),
);

/** What the camera shows at time `t`, given the challenge asked then (null before the first prompt). */
type Scene = (t: number, asked: { challenge: Challenge; since: number } | null) => Partial<Observation>;

/**
 * Runs the kiosk's procedure over a scene: a frame every `frameMs`; the sequence issued on the first steady
 * frame, the first prompt on the first frame after the drawn pause, each verdict taken as the frames come.
 */
function run(
  sequence: ChallengeSequence,
  scene: Scene,
  options: { holdMs?: number; frameMs?: number; start?: number } = {},
): ChallengeState {
  const frameMs = options.frameMs ?? 150;
  const frames: Observation[] = [];
  let times: { steadyAt: number; promptAt: number | null } | null = null;
  let asked = null as { challenge: Challenge; since: number } | null;
  for (let t = options.start ?? 0; t < (options.start ?? 0) + 60_000; t += frameMs) {
    frames.push({ at: t, faces: 1, yaw: 0, eyes: 0.3, ...scene(t, asked) });
    if (!times) {
      if (steadyBaseline(frames, t).steady) times = { steadyAt: t, promptAt: null };
      // As on the screen: no steady moment for `waitMs` fails the attempt.
      else if (t - (options.start ?? 0) > R.waitMs) return { status: 'failed', reason: 'not-steady' };
      if (!times) continue;
    }
    // As on the screen: the prompt is shown just after the frame that ends the pause.
    if (times.promptAt === null && t >= times.steadyAt + (options.holdMs ?? 0)) times.promptAt = t + 1;
    const state = judgeSequence(
      sequence,
      frames,
      { steadyAt: times.steadyAt, promptAt: times.promptAt ?? t },
      t,
    );
    if (state.status !== 'pending') return state;
    const next = sequence[state.step];
    if (times.promptAt !== null && next && asked?.since !== state.promptedAt)
      asked = { challenge: next, since: state.promptedAt };
  }
  throw new Error('no verdict within a minute');
}

/** A citizen doing what is asked: `delay` ms after each prompt, the motion for `hold` ms, then back. */
function performer(delay = 700, hold = 600): Scene {
  return (t, asked) => {
    if (!asked) return {};
    const into = t - asked.since;
    if (into < delay || into >= delay + hold) return {};
    if (asked.challenge === 'blink') return { eyes: 0.08 };
    return { yaw: asked.challenge === 'turn-left' ? 25 : -25 };
  };
}

/** A looping clip of the face blinking: eyes shut for `closedMs` of every `periodMs`, starting at `phaseMs`. */
function blinkLoop(periodMs: number, closedMs: number, phaseMs: number): Scene {
  return (t) => ((t + phaseMs) % periodMs < closedMs ? { eyes: 0.08 } : {});
}

describe('judgeSequence', () => {
  it('passes every sequence performed as asked, at a brisk and at a kiosk’s slow frame rate', () => {
    for (const sequence of SEQUENCES) {
      expect(run(sequence, performer()).status, sequence.join(',')).toBe('passed');
      expect(
        run(sequence, performer(900, 1800), { frameMs: 900, holdMs: 500 }).status,
        sequence.join(','),
      ).toBe('passed');
    }
  });

  it('fails a looping blink at every phase and period, for every draw (each draw holds a turn)', () => {
    let runs = 0;
    for (const sequence of SEQUENCES)
      for (const [periodMs, closedMs] of [
        [1500, 300],
        [2500, 400],
        [3000, 1000],
        [4000, 600],
        [6000, 1500],
      ] as const)
        for (let phaseMs = 0; phaseMs < periodMs; phaseMs += periodMs / 8)
          for (const holdMs of [0, 400, 799])
            for (const frameMs of [150, 400]) {
              const state = run(sequence, blinkLoop(periodMs, closedMs, phaseMs), { holdMs, frameMs });
              runs += 1;
              expect(state.status, `${sequence.join(',')} ${periodMs}/${closedMs} @${phaseMs}`).toBe(
                'failed',
              );
            }
    expect(runs).toBe(6 * 5 * 8 * 3 * 2);
  });

  it('fails a replayed still: the first motion never starts', () => {
    for (const sequence of SEQUENCES)
      expect(run(sequence, () => ({}))).toEqual({ status: 'failed', reason: 'too-late' });
  });

  it('fails a blink or a turn in the pause before the first prompt', () => {
    // Steady from 0 to 1500 ms; the pause runs to 2300 ms; the citizen moves at 1800 ms.
    const early =
      (motion: Partial<Observation>): Scene =>
      (t) =>
        t >= 1800 && t < 2100 ? motion : {};
    for (const motion of [{ eyes: 0.08 }, { yaw: 14 }, { yaw: -25 }])
      expect(run(['turn-left', 'blink'], early(motion), { holdMs: 799 })).toEqual({
        status: 'failed',
        reason: 'unprompted',
      });
  });

  it('fails a blink during a turn prompt and a turn during a blink prompt', () => {
    const blinkThenTurn: Scene = (t, asked) => {
      if (!asked) return {};
      const into = t - asked.since;
      if (into >= 300 && into < 600) return { eyes: 0.08 };
      return into >= 900 && into < 1500 ? { yaw: asked.challenge === 'turn-right' ? -25 : 25 } : {};
    };
    expect(run(['turn-left', 'blink'], blinkThenTurn)).toEqual({ status: 'failed', reason: 'unprompted' });
    expect(
      run(['blink', 'turn-right'], (t, asked) => (asked && t - asked.since > 300 ? { yaw: 20 } : {})),
    ).toEqual({
      status: 'failed',
      reason: 'unprompted',
    });
    // A blink, then another blink while the turn is asked.
    const blinks: Scene = (t, asked) =>
      asked && t - asked.since >= 300 && t - asked.since < 600 ? { eyes: 0.08 } : {};
    expect(run(['blink', 'turn-left'], blinks)).toEqual({ status: 'failed', reason: 'unprompted' });
  });

  it('fails the other turn, and the right motions in the wrong order', () => {
    const mirrored: Scene = (t, asked) => {
      const s = performer()(t, asked);
      return s.yaw === undefined ? s : { yaw: -s.yaw };
    };
    expect(run(['turn-left', 'turn-right'], mirrored)).toEqual({ status: 'failed', reason: 'wrong-motion' });
    // A clip that turns left then right, whatever was asked: fails when right comes first.
    const fixed: Scene = (t, asked) => {
      if (!asked) return {};
      const into = t - asked.since;
      return into >= 500 && into < 1100 ? { yaw: 25 } : into >= 1700 && into < 2300 ? { yaw: -25 } : {};
    };
    expect(run(['turn-right', 'turn-left'], fixed)).toEqual({ status: 'failed', reason: 'wrong-motion' });
  });

  it('fails a motion that starts too late, or does not come back in time', () => {
    expect(run(['blink', 'turn-left'], performer(R.reactMs + 300))).toEqual({
      status: 'failed',
      reason: 'too-late',
    });
    expect(run(['turn-left', 'blink'], performer(1000, R.stepMs))).toEqual({
      status: 'failed',
      reason: 'timeout',
    });
  });

  it('fails when a second face appears', () => {
    const second: Scene = (t, asked) => (asked && t - asked.since > 300 ? { faces: 2 } : {});
    expect(run(['blink', 'turn-left'], second)).toEqual({ status: 'failed', reason: 'multiple-faces' });
  });

  it('needs a steady, frontal, open-eyed moment before the prompts', () => {
    const obs = (at: number, o: Partial<Observation> = {}): Observation => ({
      at,
      faces: 1,
      yaw: 0,
      eyes: 0.3,
      ...o,
    });
    expect(steadyBaseline([obs(0), obs(750), obs(1500)], 1500)).toEqual({ steady: true, eyes: 0.3 });
    expect(steadyBaseline([obs(0), obs(750, { yaw: 14 }), obs(1500)], 1500).steady).toBe(false);
    expect(steadyBaseline([obs(0), obs(750, { eyes: 0.1 }), obs(1500)], 1500).steady).toBe(false);
    expect(steadyBaseline([obs(1500)], 1500).steady).toBe(false);
    expect(
      judgeSequence(
        ['blink', 'turn-left'],
        [obs(0), obs(300, { yaw: 30 })],
        { steadyAt: 300, promptAt: 300 },
        400,
      ),
    ).toEqual({
      status: 'failed',
      reason: 'not-steady',
    });
  });
});

describe('drawSequence', () => {
  it('draws two different challenges; every sequence can come; each holds a turn', () => {
    const seen = new Set<string>();
    for (const a of [0, 0.34, 0.67, 0.99])
      for (const b of [0, 0.99]) {
        const values = [a, b];
        const seq = drawSequence(() => values.shift() ?? 0);
        expect(seq[0]).not.toBe(seq[1]);
        seen.add(seq.join(','));
      }
    expect(seen.size).toBe(6);
    expect(drawSequence(() => 0)).toEqual(['blink', 'turn-left']);
    for (const seq of SEQUENCES) expect(seq.some((c) => c !== 'blink')).toBe(true);
    const drawn = drawSequence();
    expect(drawn[0]).not.toBe(drawn[1]);
  });

  it('draws the pause before the first prompt within its limit', () => {
    expect(drawHoldMs(() => 0)).toBe(0);
    expect(drawHoldMs(() => 0.9999)).toBeLessThan(R.holdMaxMs);
    expect(drawHoldMs()).toBeLessThan(R.holdMaxMs);
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
