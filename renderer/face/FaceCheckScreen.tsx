/**
 * The face check, shown before the forms of a visit whose services ask for one: a consent screen with the
 * non-biometric alternative on it, then the live preview with spoken and written guidance, the quality gates,
 * a random sequence of two liveness challenges, and the 1:1 comparison with the card photo. The core receives only the score
 * and whether the challenge was passed (`visit.face`), decides with its own thresholds, and says what comes
 * next; every outcome other than a match leads on to the officer-review route — never a dead end.
 */
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import type { FaceReport, FaceSettingsView, VisitView } from '../../main/api/views.js';
import { faceSimilarity, type QualityProblem } from '../../main/services/face/policy.js';
import { useKiosk } from '../api/kiosk.js';
import { useI18n } from '../i18n/i18n.js';
import { speak } from '../i18n/speech.js';
import { nextVideoFrame } from './camera.js';
import { openCamera } from './cameras.js';
import {
  CameraPreview,
  CameraStepFrame,
  ConsentActions,
  useCameraSession,
  useLivePreview,
} from './camera-step.js';
import { preloadFaceEngine, type FrameAnalysis } from './face-engine.js';
import {
  LIVENESS_RULES,
  drawHoldMs,
  drawSequence,
  judgeSequence,
  steadyBaseline,
  type Challenge,
  type ChallengeSequence,
  type Observation,
} from './liveness.js';
import { faceText, type FaceKey } from './messages.js';
import { PRESENCE_EVENT } from '../components/IdleGuard.js';

type Phase =
  | { readonly kind: 'consent' }
  | { readonly kind: 'loading' }
  | { readonly kind: 'unavailable'; readonly why: 'noCamera' | 'noPhoto' }
  | { readonly kind: 'capture' }
  | { readonly kind: 'reported' };

/** Antispoof and liveness model scores both this low on the live frame fail the attempt. */
const SPOOF_FLOOR = 0.2;

/**
 * The face check screen. `onDone` leads on to the forms, whatever the outcome; `onBack` returns to the
 * confirmation (the check is asked again when the citizen comes back).
 */
export function FaceCheckScreen({
  visit,
  onDone,
  onBack,
  onCancel,
}: {
  readonly visit: VisitView;
  readonly onDone: () => void;
  readonly onBack: () => void;
  readonly onCancel: () => void;
}): ReactNode {
  const { api } = useKiosk();
  const { locale } = useI18n();
  const ft = useCallback(
    (key: FaceKey, values?: Readonly<Record<string, string | number>>) => faceText(locale, key, values),
    [locale],
  );
  // A visit already past its check (e.g. the page was reloaded) shows its outcome, not the consent again.
  const [phase, setPhase] = useState<Phase>(
    visit.faceCheck === 'pending' ? { kind: 'consent' } : { kind: 'reported' },
  );
  const [guide, setGuide] = useState<FaceKey | null>(null);
  const [challenge, setChallenge] = useState<{ asked: Challenge; step: number; steps: number } | null>(null);
  const [busy, setBusy] = useState(false);
  const session = useCameraSession();
  const { videoRef, engineRef, streamRef, runRef, stop: stopCamera } = session;
  const referenceRef = useRef<readonly number[] | null>(null);
  // Leaving the screen drops the descriptor too (the session stops the camera, and the shared engine forgets
  // the faces; it stays loaded).
  useEffect(
    () => () => {
      referenceRef.current = null;
    },
    [],
  );

  const report = useCallback(
    async (r: FaceReport): Promise<void> => {
      if (!api) return;
      setBusy(true);
      await api['visit.face'](r);
      setBusy(false);
      setPhase({ kind: 'reported' });
    },
    [api],
  );

  /** The check cannot be made here: the core is told (officer review) and the screen says why. */
  const unavailable = useCallback(
    async (why: 'noCamera' | 'noPhoto', reason: 'no-camera' | 'no-photo' | 'engine'): Promise<void> => {
      stopCamera();
      setPhase({ kind: 'unavailable', why });
      if (!api) return;
      setBusy(true);
      await api['visit.face']({ action: 'unavailable', reason });
      setBusy(false);
    },
    [api, stopCamera],
  );

  /**
   * One attempt: wait for a steady frontal face that passes the quality gates, draw two challenges and a
   * pause, prompt each challenge in turn and judge the frames (detector and mesh only) against the sequence,
   * then describe the frame it ends on — which must pass the
   * gates again — and compare it with the card photo. Only the score and the challenge's outcome leave.
   */
  const attempt = useCallback(async (): Promise<void> => {
    const engine = engineRef.current;
    const video = videoRef.current;
    const reference = referenceRef.current;
    if (!engine || !video || !reference) return;
    const run = ++runRef.current;
    const frames: Observation[] = [];
    // The drawn sequence, once the steady moment was seen; `promptAt` once the first prompt is shown.
    let issued: {
      sequence: ChallengeSequence;
      steadyAt: number;
      holdUntil: number;
      promptAt: number | null;
    } | null = null;
    let asked = -1;
    let spoken: FaceKey | null = null;
    let presence = 0;
    const say = (key: FaceKey): void => {
      setGuide(key);
      if (key !== spoken) speak(ft(key), locale);
      spoken = key;
    };
    const fail = (): Promise<void> => report({ action: 'attempt', score: 0, liveness: false });
    // The current frame, or null when this attempt is over (superseded, or the engine failed: reported).
    const analyse = async (full: boolean): Promise<FrameAnalysis | null> => {
      let frame: FrameAnalysis;
      try {
        frame = await engine.frame(video, full);
      } catch {
        await unavailable('noCamera', 'engine');
        return null;
      }
      return runRef.current === run ? frame : null;
    };
    const started = performance.now();
    setChallenge(null);
    while (runRef.current === run) {
      if (video.readyState < 2 || video.videoWidth === 0) {
        await new Promise((r) => setTimeout(r, 100));
        continue;
      }
      // Wait for the camera's next picture: never the same frame twice, and the page gets to render and
      // answer taps between analyses (the wasm backend may otherwise resolve without yielding).
      await nextVideoFrame(video);
      if (runRef.current !== run) return;
      const frame = await analyse(false);
      if (!frame) return;
      const now = frame.observation.at;
      // Someone in front of the camera is using the kiosk: the idle guard is told (at most every 5 s).
      if (frame.observation.faces > 0 && now - presence > 5000) {
        presence = now;
        window.dispatchEvent(new Event(PRESENCE_EVENT));
      }
      frames.push(frame.observation);
      // Keep only what the rules look at: the steady moment and the challenge window.
      const keep = issued ? issued.steadyAt - LIVENESS_RULES.steadyMs : now - LIVENESS_RULES.steadyMs * 2;
      while (frames.length > 0 && (frames[0]?.at ?? now) < keep) frames.shift();
      if (!issued) {
        const problem: QualityProblem | undefined = frame.quality.problems[0];
        say(problem ? `face.guide.${problem}` : 'face.guide.hold');
        if (!problem && steadyBaseline(frames, now).steady) {
          issued = { sequence: drawSequence(), steadyAt: now, holdUntil: now + drawHoldMs(), promptAt: null };
        } else if (now - started > LIVENESS_RULES.waitMs) {
          // No usable face for a long while: an attempt that failed, not a silent wait.
          return fail();
        }
        if (!issued) continue;
      }
      // The first prompt is timed from when it is shown: frames taken before it count as the pause.
      const promptAt = issued.promptAt ?? (now >= issued.holdUntil ? performance.now() : null);
      issued.promptAt = promptAt;
      const verdict = judgeSequence(
        issued.sequence,
        frames,
        { steadyAt: issued.steadyAt, promptAt: promptAt ?? now },
        now,
      );
      if (verdict.status === 'failed') return fail();
      if (verdict.status === 'pending') {
        const next = issued.sequence[verdict.step];
        if (promptAt !== null && next && verdict.step !== asked) {
          asked = verdict.step;
          setChallenge({ asked: next, step: verdict.step + 1, steps: issued.sequence.length });
          say(`face.challenge.${next}`);
        }
        continue;
      }
      // The challenge was performed: the frame now in front of the camera is the one compared.
      const final = await analyse(true);
      if (!final) return;
      if (!final.quality.ok || !final.embedding) return fail();
      const spoof =
        final.real !== null && final.live !== null && final.real < SPOOF_FLOOR && final.live < SPOOF_FLOOR;
      const score = faceSimilarity(reference, final.embedding);
      return report({ action: 'attempt', score: Number(score.toFixed(4)), liveness: !spoof });
    }
  }, [ft, locale, report, unavailable, engineRef, runRef, videoRef]);

  const start = useCallback(async (): Promise<void> => {
    if (!api) return;
    setPhase({ kind: 'loading' });
    const photo = visit.identity?.photo ?? null;
    if (!photo) return unavailable('noPhoto', 'no-photo');
    const settings = await api['face.settings']();
    const selector: FaceSettingsView['citizenCamera'] = settings.ok ? settings.value.citizenCamera : null;
    try {
      // Usually loaded and warmed up already, before consent (App starts it for visits that need the check);
      // only the card photo's descriptor is computed after consent.
      engineRef.current ??= await preloadFaceEngine();
    } catch {
      return unavailable('noCamera', 'engine');
    }
    const reference = await engineRef.current.reference(photo).catch(() => ({ ok: false as const }));
    if (!reference.ok) return unavailable('noPhoto', 'no-photo');
    referenceRef.current = reference.embedding;
    try {
      // The assigned camera, found again by its label if its id changed; an assigned camera that is not
      // attached is no camera (the technician screen's row says so), never silently another one.
      streamRef.current = await openCamera(selector);
    } catch {
      return unavailable('noCamera', 'no-camera');
    }
    setPhase({ kind: 'capture' });
  }, [api, unavailable, visit.identity?.photo, engineRef, streamRef]);

  // Once the preview element exists, attach the stream and run an attempt.
  useLivePreview(session, phase.kind === 'capture', attempt);

  // The core's outcome: verified or officer review ends the check (camera off); pending allows another try.
  const status = visit.faceCheck;
  useEffect(() => {
    if (phase.kind === 'reported' && status !== 'pending') stopCamera();
  }, [phase.kind, status, stopCamera]);

  const decline = (): void => {
    stopCamera();
    void report({ action: 'decline' });
  };

  let body: ReactNode;
  if (phase.kind === 'consent') {
    body = (
      <>
        <p>{ft('face.consent.body')}</p>
        <p className="notice-inline">{ft('face.consent.alternative')}</p>
        <ConsentActions
          declineLabel={ft('face.consent.decline')}
          agreeLabel={ft('face.consent.agree')}
          onDecline={decline}
          onAgree={() => void start()}
          busy={busy}
        />
      </>
    );
  } else if (phase.kind === 'loading') {
    body = <p role="status">{ft('face.loading')}</p>;
  } else if (phase.kind === 'unavailable') {
    body = (
      <>
        <p role="status">{ft(phase.why === 'noCamera' ? 'face.noCamera' : 'face.noPhoto')}</p>
        <div className="actions">
          <button type="button" className="primary" onClick={onDone} disabled={busy}>
            {ft('face.continue')}
          </button>
        </div>
      </>
    );
  } else if (phase.kind === 'capture') {
    body = (
      <>
        <CameraPreview videoRef={videoRef} label={ft('face.preview')} />
        {challenge ? (
          <p className="face-step">
            {ft('face.challenge.step', { step: challenge.step, steps: challenge.steps })}
          </p>
        ) : null}
        <p role="status" className="face-guide" aria-live="polite">
          {challenge ? ft(`face.challenge.${challenge.asked}`) : guide ? ft(guide) : ft('face.loading')}
        </p>
        <div className="actions">
          <button type="button" onClick={decline} disabled={busy}>
            {ft('face.consent.decline')}
          </button>
        </div>
      </>
    );
  } else {
    const face = visit.face;
    body =
      status === 'pending' ? (
        <>
          <p role="status">
            {ft('face.retry', { attempts: face?.attempts ?? 0, max: face?.maxAttempts ?? 3 })}
          </p>
          <div className="actions">
            <button type="button" onClick={decline} disabled={busy}>
              {ft('face.consent.decline')}
            </button>
            <button
              type="button"
              className="primary"
              disabled={busy}
              onClick={() => setPhase(streamRef.current ? { kind: 'capture' } : { kind: 'consent' })}
            >
              {ft('face.tryAgain')}
            </button>
          </div>
        </>
      ) : (
        // Verified, or the officer-review route: either way the forms come next.
        <>
          <p role="status">{ft(status === 'face-verified' ? 'face.verified' : 'face.officer')}</p>
          <div className="actions">
            <button type="button" className="primary" onClick={onDone}>
              {ft('face.continue')}
            </button>
          </div>
        </>
      );
  }

  return (
    <CameraStepFrame
      className="face-check"
      titleId="face-title"
      title={ft('face.title')}
      busy={busy}
      onBack={onBack}
      onCancel={onCancel}
    >
      {body}
    </CameraStepFrame>
  );
}
