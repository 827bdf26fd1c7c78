/**
 * Active liveness: a random challenge (blink, turn left, turn right) verified from the face mesh over the
 * frames that follow it. Pure functions over per-frame observations, so the rules are tested without a
 * camera. A replayed still never moves, so it times out; a looping clip has to show exactly the asked motion,
 * after a steady frontal moment, within the deadline — and the challenge is drawn only when that moment began.
 */

/** The challenges the kiosk draws from. */
export const CHALLENGES = ['blink', 'turn-left', 'turn-right'] as const;

/** One challenge. */
export type Challenge = (typeof CHALLENGES)[number];

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

/** Limits of the challenge rules. */
export const LIVENESS_RULES = {
  /**
   * How long the face must be steady and frontal before the challenge counts, seen in at least
   * `steadyFrames` frames: the wasm backend analyses 1–3 frames a second on a 2-core kiosk.
   */
  steadyMs: 1200,
  steadyFrames: 2,
  /** Yaw within which the head counts as frontal. */
  frontalYaw: 10,
  /** Yaw the asked turn must reach. */
  turnYaw: 18,
  /** A blink: eye openness below this share of the steady baseline, then back above `reopen`. */
  closed: 0.6,
  reopen: 0.85,
  /** Time allowed to perform the challenge. */
  deadlineMs: 7000,
} as const;

/** The verdict so far. */
export type ChallengeState =
  | { readonly status: 'pending' }
  | { readonly status: 'passed'; readonly at: number }
  | {
      readonly status: 'failed';
      readonly reason: 'timeout' | 'multiple-faces' | 'wrong-motion' | 'not-steady';
    };

/** Draws a challenge with the platform's CSPRNG (a replay cannot know which motion will be asked). */
export function drawChallenge(random: () => number = cryptoRandom): Challenge {
  const i = Math.min(CHALLENGES.length - 1, Math.floor(random() * CHALLENGES.length));
  return CHALLENGES[i] ?? 'blink';
}

function cryptoRandom(): number {
  const a = new Uint32Array(1);
  globalThis.crypto.getRandomValues(a);
  return (a[0] ?? 0) / 2 ** 32;
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

/**
 * Whether the frames just before `issuedAt` show one steady frontal face for `steadyMs` (the condition for
 * issuing a challenge), with the baseline eye openness.
 */
export function steadyBaseline(
  frames: readonly Observation[],
  issuedAt: number,
): { steady: boolean; eyes: number | null } {
  const before = frames.filter((f) => f.at <= issuedAt && f.at >= issuedAt - LIVENESS_RULES.steadyMs);
  const first = frames.find((f) => f.at <= issuedAt);
  const covered = first !== undefined && first.at <= issuedAt - LIVENESS_RULES.steadyMs * 0.75;
  const steady =
    covered &&
    before.length >= LIVENESS_RULES.steadyFrames &&
    before.every((f) => f.faces === 1 && Math.abs(f.yaw) <= LIVENESS_RULES.frontalYaw);
  const eyes = before.flatMap((f) => (f.eyes === null ? [] : [f.eyes]));
  return { steady, eyes: eyes.length > 0 ? median(eyes) : null };
}

/**
 * Judges the frames against a challenge issued at `issuedAt`, as of `now`. Passing needs the asked motion
 * and a return to a frontal, open-eyed face (the frame the match is then taken from); the other motion, a
 * second face, or the deadline fails it.
 */
export function judgeChallenge(
  challenge: Challenge,
  frames: readonly Observation[],
  issuedAt: number,
  now: number,
): ChallengeState {
  const R = LIVENESS_RULES;
  const base = steadyBaseline(frames, issuedAt);
  if (!base.steady) return { status: 'failed', reason: 'not-steady' };
  const after = frames.filter((f) => f.at > issuedAt);
  let performed = false;
  let closedSeen = false;
  for (const f of after) {
    if (f.faces > 1) return { status: 'failed', reason: 'multiple-faces' };
    if (f.faces === 0) continue;
    if (challenge === 'blink') {
      if (Math.abs(f.yaw) > R.turnYaw) return { status: 'failed', reason: 'wrong-motion' };
      if (base.eyes === null || f.eyes === null) continue;
      if (f.eyes < base.eyes * R.closed) closedSeen = true;
      else if (closedSeen && f.eyes >= base.eyes * R.reopen) return { status: 'passed', at: f.at };
    } else {
      const sign = challenge === 'turn-left' ? 1 : -1;
      if (f.yaw * sign < -R.turnYaw) return { status: 'failed', reason: 'wrong-motion' };
      if (f.yaw * sign >= R.turnYaw) performed = true;
      else if (performed && Math.abs(f.yaw) <= R.frontalYaw) return { status: 'passed', at: f.at };
    }
  }
  return now - issuedAt > R.deadlineMs ? { status: 'failed', reason: 'timeout' } : { status: 'pending' };
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
