/**
 * Active liveness: each attempt asks for a random sequence of two different motions (blink, turn left, turn
 * right), verified from the face mesh over the frames that follow each prompt. Pure functions over per-frame
 * observations, so the rules are tested without a camera. A replayed still never moves, so it runs out of
 * time; a looping clip has to show exactly the asked motions, each starting after its own prompt and within
 * the reaction window, with no other motion anywhere — every draw holds a turn, so a blinking loop always
 * fails, and a clip of turns cannot know which one comes first or when (the prompt comes after a random pause).
 */

/** The challenges the kiosk draws from. */
export const CHALLENGES = ['blink', 'turn-left', 'turn-right'] as const;

/** One challenge. */
export type Challenge = (typeof CHALLENGES)[number];

/** The challenges of one attempt, in the order they are asked. */
export type ChallengeSequence = readonly [Challenge, Challenge];

/** What one camera frame showed. */
export interface Observation {
  /** Milliseconds (performance.now()). */
  readonly at: number;
  /** Faces at or above the detection floor. */
  readonly faces: number;
  /** Head yaw in degrees; positive = the citizen's head turned to their own left (see docs/FACE.md). */
  readonly yaw: number;
  /** Eye openness ({@link eyeOpenness}), null when the mesh gave no eyes. */
  readonly eyes: number | null;
}

/**
 * Every limit of the liveness rules, in one place (documented in docs/FACE.md, "Active liveness"). The wasm
 * backend analyses about 3–8 frames a second on a 2-core kiosk during the challenges (detector and mesh only),
 * 1–3 with the full models; the windows leave room for that.
 */
export const LIVENESS_RULES = {
  /** How long one frontal, open-eyed face must be seen, in at least `steadyFrames` frames, before the prompts. */
  steadyMs: 1500,
  steadyFrames: 2,
  /** A random pause (0 to this) between the steady moment and the first prompt, in which nothing may move. */
  holdMaxMs: 800,
  /** Yaw within which the head counts as frontal (and as still, in the pause before the first prompt). */
  frontalYaw: 10,
  /** Yaw a turn must reach; a turn this far when it was not asked for fails the attempt. */
  turnYaw: 18,
  /**
   * A blink: eye openness below `closed` × the citizen's own steady baseline, then back above `reopen` ×. Eyes
   * are judged on frontal frames only (a turned head changes the eyes' shape in the picture).
   */
  closed: 0.6,
  reopen: 0.85,
  /** The asked motion must start (a turn past `frontalYaw`, the eyes below `closed`) this soon after its prompt… */
  reactMs: 3500,
  /** …and be complete (back to a frontal, open-eyed face) this soon after it. */
  stepMs: 6000,
  /** Waiting for a usable steady face before the prompts: after this the attempt counts as failed. */
  waitMs: 21000,
} as const;

/** Why an attempt's challenges failed. */
export type ChallengeFailure =
  | 'not-steady'
  | 'multiple-faces'
  /** A motion that was not asked for: in the pause before the first prompt, or during another prompt. */
  | 'unprompted'
  /** The turn the other way. */
  | 'wrong-motion'
  /** The asked motion did not start within `reactMs` of its prompt. */
  | 'too-late'
  /** It started but was not complete within `stepMs`. */
  | 'timeout';

/** The verdict so far: pending with the challenge now asked (and since when), passed, or failed. */
export type ChallengeState =
  | { readonly status: 'pending'; readonly step: number; readonly promptedAt: number }
  | { readonly status: 'passed'; readonly at: number }
  | { readonly status: 'failed'; readonly reason: ChallengeFailure };

/** When the prompts of an attempt began: the steady moment seen at `steadyAt`, the first prompt at `promptAt`. */
export interface PromptTimes {
  readonly steadyAt: number;
  readonly promptAt: number;
}

/** A uniform integer below `n`, from a source of uniform numbers in [0, 1). */
function pick(random: () => number, n: number): number {
  return Math.min(n - 1, Math.floor(random() * n));
}

function cryptoRandom(): number {
  const a = new Uint32Array(1);
  globalThis.crypto.getRandomValues(a);
  return (a[0] ?? 0) / 2 ** 32;
}

/**
 * Draws an attempt's two different challenges with the platform's CSPRNG (a replay cannot know which motions
 * will be asked, nor in which order): six sequences, each holding at least one turn.
 */
export function drawSequence(random: () => number = cryptoRandom): ChallengeSequence {
  const first = CHALLENGES[pick(random, CHALLENGES.length)] ?? 'blink';
  const rest = CHALLENGES.filter((c) => c !== first);
  const second = rest[pick(random, rest.length)] ?? 'turn-left';
  return [first, second];
}

/** Draws the pause before the first prompt (0 to `holdMaxMs`), so a replay cannot time its first motion. */
export function drawHoldMs(random: () => number = cryptoRandom): number {
  return Math.floor(random() * LIVENESS_RULES.holdMaxMs);
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

/**
 * Whether the frames up to `at` show one steady frontal face with open eyes for `steadyMs` (the condition for
 * the prompts), with the baseline eye openness (the median over that moment).
 */
export function steadyBaseline(
  frames: readonly Observation[],
  at: number,
): { steady: boolean; eyes: number | null } {
  const R = LIVENESS_RULES;
  const before = frames.filter((f) => f.at <= at && f.at >= at - R.steadyMs);
  const first = frames.find((f) => f.at <= at);
  const covered = first !== undefined && first.at <= at - R.steadyMs * 0.75;
  const values = before.flatMap((f) => (f.eyes === null ? [] : [f.eyes]));
  const eyes = values.length > 0 ? median(values) : null;
  const steady =
    covered &&
    before.length >= R.steadyFrames &&
    before.every(
      (f) =>
        f.faces === 1 &&
        Math.abs(f.yaw) <= R.frontalYaw &&
        (eyes === null || f.eyes === null || f.eyes >= eyes * R.closed),
    );
  return { steady, eyes };
}

/**
 * Judges the frames against an attempt's challenge sequence, as of `now`. The first challenge is asked at
 * `times.promptAt`, each next one on the frame that completed the one before. Each asked motion must start
 * after its prompt within `reactMs` and come back to a frontal, open-eyed face within `stepMs` (the frame the
 * match is then taken from); any other motion — a blink or turn in the pause before the first prompt, a blink
 * during a turn prompt, a turn during a blink prompt, the other turn — a second face, or a window running out
 * fails the attempt.
 */
export function judgeSequence(
  sequence: readonly Challenge[],
  frames: readonly Observation[],
  times: PromptTimes,
  now: number,
): ChallengeState {
  const R = LIVENESS_RULES;
  const base = steadyBaseline(frames, times.steadyAt);
  if (!base.steady) return { status: 'failed', reason: 'not-steady' };
  const baseEyes = base.eyes;
  const frontal = (f: Observation): boolean => Math.abs(f.yaw) <= R.frontalYaw;
  const shut = (f: Observation): boolean =>
    baseEyes !== null && f.eyes !== null && frontal(f) && f.eyes < baseEyes * R.closed;
  const open = (f: Observation): boolean =>
    baseEyes === null || f.eyes === null || f.eyes >= baseEyes * R.reopen;

  // The pause before the first prompt: the head stays frontal and the eyes open.
  for (const f of frames) {
    if (f.at <= times.steadyAt || f.at > times.promptAt) continue;
    if (f.faces > 1) return { status: 'failed', reason: 'multiple-faces' };
    if (f.faces === 1 && (!frontal(f) || shut(f))) return { status: 'failed', reason: 'unprompted' };
  }

  let step = 0;
  let promptedAt = times.promptAt;
  let started = false;
  let reached = false;
  for (const f of frames) {
    if (f.at <= promptedAt) continue;
    const challenge = sequence[step];
    if (challenge === undefined) break;
    if (f.faces > 1) return { status: 'failed', reason: 'multiple-faces' };
    if (f.faces === 1) {
      if (challenge === 'blink') {
        if (Math.abs(f.yaw) >= R.turnYaw) return { status: 'failed', reason: 'unprompted' };
        if (shut(f)) started = reached = true;
      } else {
        const sign = challenge === 'turn-left' ? 1 : -1;
        if (shut(f)) return { status: 'failed', reason: 'unprompted' };
        if (f.yaw * sign <= -R.turnYaw) return { status: 'failed', reason: 'wrong-motion' };
        if (f.yaw * sign > R.frontalYaw) started = true;
        if (f.yaw * sign >= R.turnYaw) reached = true;
      }
      if (reached && frontal(f) && !shut(f) && open(f) && f.at - promptedAt <= R.stepMs) {
        // Done: the next challenge is asked from this frame on.
        step += 1;
        if (step === sequence.length) return { status: 'passed', at: f.at };
        promptedAt = f.at;
        started = reached = false;
        continue;
      }
    }
    if (!started && f.at - promptedAt > R.reactMs) return { status: 'failed', reason: 'too-late' };
    if (f.at - promptedAt > R.stepMs) return { status: 'failed', reason: 'timeout' };
  }
  if (!started && now - promptedAt > R.reactMs) return { status: 'failed', reason: 'too-late' };
  if (now - promptedAt > R.stepMs) return { status: 'failed', reason: 'timeout' };
  return { status: 'pending', step, promptedAt };
}

/** A mesh point as human gives it: x, y in pixels, z depth. */
export type MeshPoint = readonly [number, number, number?];

// Face-mesh indices (the 468-point MediaPipe topology human uses): eye corners and lid mid-points.
const EYES = [
  { outer: 33, inner: 133, upper: 159, lower: 145 },
  { outer: 263, inner: 362, upper: 386, lower: 374 },
] as const;

/**
 * Eye openness: the mean over both eyes of lid gap / eye width (the "eye aspect ratio"). About 0.25–0.35 open,
 * under 0.1 closed; only its change against the citizen's own baseline is used.
 */
export function eyeOpenness(mesh: readonly MeshPoint[]): number | null {
  if (mesh.length < 468) return null;
  const d = (a: MeshPoint, b: MeshPoint): number => Math.hypot(a[0] - b[0], a[1] - b[1]);
  let sum = 0;
  for (const e of EYES) {
    const [o, i, u, l] = [mesh[e.outer], mesh[e.inner], mesh[e.upper], mesh[e.lower]];
    if (!o || !i || !u || !l) return null;
    const width = d(o, i);
    if (width === 0) return null;
    sum += d(u, l) / width;
  }
  return sum / EYES.length;
}
