/**
 * The certificate photo (证件照), shown before the forms of a visit whose services ask for one (after the face
 * check, if any): a consent screen that says the photo will be stored with the application, with the catalog's
 * alternative (e.g. bring a photo to the counter) as a button beside it; the live preview with a guide outline
 * and spoken and written guidance; automatic checks on every frame (one face, frontal, sharp, well lit, the
 * head's size and place, a plain light background); the shot, cropped and scaled to the spec; and a preview
 * with Retake / Use this photo. Only "use" sends the JPEG to the core, which checks it again and seals it with
 * the transaction. Declining, or a kiosk that cannot take it, leads on to the forms — never a dead end.
 */
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import type { FaceSettingsView, PhotoStepView, VisitView } from '../../main/api/views.js';
import { MAX_PHOTO_BYTES, type PhotoProblem } from '../../main/services/face/photo.js';
import { useKiosk } from '../api/kiosk.js';
import { PRESENCE_EVENT } from '../components/IdleGuard.js';
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
import { preloadFaceEngine } from './face-engine.js';
import { faceText, type FaceKey } from './messages.js';

type Phase =
  | { readonly kind: 'consent' }
  | { readonly kind: 'loading' }
  | { readonly kind: 'capture' }
  | { readonly kind: 'preview'; readonly refused: boolean }
  | { readonly kind: 'unavailable' }
  | { readonly kind: 'reported' };

/** Frames in a row that must pass every check before the shot is taken (the citizen has settled). */
const STEADY_FRAMES = 2;

/** The shot as a JPEG, base64, within the core's size limit (quality lowered if a busy picture needs it). */
async function jpegBase64(photo: ImageData): Promise<string> {
  const canvas = document.createElement('canvas');
  canvas.width = photo.width;
  canvas.height = photo.height;
  try {
    canvas.getContext('2d')?.putImageData(photo, 0, 0);
    for (const quality of [0.92, 0.85, 0.75, 0.6]) {
      const blob = await new Promise<Blob | null>((r) => canvas.toBlob(r, 'image/jpeg', quality));
      if (!blob) break;
      if (blob.size > MAX_PHOTO_BYTES) continue;
      const bytes = new Uint8Array(await blob.arrayBuffer());
      let binary = '';
      for (let i = 0; i < bytes.length; i += 0x8000)
        binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      bytes.fill(0);
      return btoa(binary);
    }
    throw new Error('the photo could not be encoded');
  } finally {
    canvas.width = 1;
    canvas.height = 1;
  }
}

/** Draws the shot into a canvas (no URL of the photo ever exists in the page); empties it when it goes. */
function ShotPreview({ photo, label }: { readonly photo: ImageData; readonly label: string }): ReactNode {
  const ref = useRef<HTMLCanvasElement | null>(null);
  useEffect(() => {
    const canvas = ref.current;
    if (!canvas) return;
    canvas.width = photo.width;
    canvas.height = photo.height;
    canvas.getContext('2d')?.putImageData(photo, 0, 0);
    return () => {
      canvas.width = 1;
      canvas.height = 1;
    };
  }, [photo]);
  return <canvas ref={ref} className="photo-shot" role="img" aria-label={label} />;
}

/**
 * The certificate photo screen. `onDone` leads on to the forms, whatever the outcome; `onBack` returns to the
 * confirmation.
 */
export function PhotoScreen({
  visit,
  step,
  onDone,
  onBack,
  onCancel,
}: {
  readonly visit: VisitView;
  readonly step: PhotoStepView;
  readonly onDone: () => void;
  readonly onBack: () => void;
  readonly onCancel: () => void;
}): ReactNode {
  const { api } = useKiosk();
  const { locale } = useI18n();
  const ft = useCallback((key: FaceKey) => faceText(locale, key), [locale]);
  const [phase, setPhase] = useState<Phase>(
    step.status === 'pending' ? { kind: 'consent' } : { kind: 'reported' },
  );
  const [guide, setGuide] = useState<PhotoProblem | 'hold' | null>(null);
  const [shot, setShot] = useState<ImageData | null>(null);
  const [busy, setBusy] = useState(false);
  const session = useCameraSession();
  const { videoRef, engineRef, streamRef, runRef, stop: stopCamera } = session;
  const spec = step.spec;

  const decline = useCallback(async (): Promise<void> => {
    stopCamera();
    setShot(null);
    if (!api) return;
    setBusy(true);
    await api['visit.photo']({ action: 'decline' });
    setBusy(false);
    setPhase({ kind: 'reported' });
  }, [api, stopCamera]);

  /** Checks frame after frame until STEADY_FRAMES in a row pass, then keeps that shot and stops the camera. */
  const capture = useCallback(async (): Promise<void> => {
    const engine = engineRef.current;
    const video = videoRef.current;
    if (!engine || !video) return;
    const run = ++runRef.current;
    let spoken: FaceKey | null = null;
    let presence = 0;
    let passed = 0;
    const say = (key: PhotoProblem | 'hold'): void => {
      setGuide(key);
      const text: FaceKey = `photo.guide.${key}`;
      if (text !== spoken) speak(ft(text), locale);
      spoken = text;
    };
    while (runRef.current === run) {
      if (video.readyState < 2 || video.videoWidth === 0) {
        await new Promise((r) => setTimeout(r, 100));
        continue;
      }
      await nextVideoFrame(video);
      if (runRef.current !== run) return;
      let analysis;
      try {
        analysis = await engine.photo(video, spec);
      } catch {
        stopCamera();
        setPhase({ kind: 'unavailable' });
        return;
      }
      if (runRef.current !== run) return;
      const now = performance.now();
      if (!(analysis.ok === false && analysis.problem === 'no-face') && now - presence > 5000) {
        // Someone in front of the camera is using the kiosk: the idle guard is told (at most every 5 s).
        presence = now;
        window.dispatchEvent(new Event(PRESENCE_EVENT));
      }
      if (!analysis.ok) {
        passed = 0;
        say(analysis.problem);
        continue;
      }
      say('hold');
      passed += 1;
      if (passed >= STEADY_FRAMES) {
        setShot(analysis.photo);
        stopCamera();
        setPhase({ kind: 'preview', refused: false });
        return;
      }
    }
  }, [ft, locale, spec, stopCamera, engineRef, runRef, videoRef]);

  const start = useCallback(async (): Promise<void> => {
    if (!api) return;
    setShot(null);
    setGuide(null);
    setPhase({ kind: 'loading' });
    const settings = await api['face.settings']();
    const selector: FaceSettingsView['citizenCamera'] = settings.ok ? settings.value.citizenCamera : null;
    try {
      // The kiosk's one engine (App starts loading it for visits that need a photo).
      engineRef.current ??= await preloadFaceEngine();
      // More pixels than the face check: the photo is cut from part of the picture.
      streamRef.current = await openCamera(selector, { width: 1280, height: 960 });
    } catch {
      setPhase({ kind: 'unavailable' });
      return;
    }
    setPhase({ kind: 'capture' });
  }, [api, engineRef, streamRef]);

  // Once the preview element exists, attach the stream and check frames.
  useLivePreview(session, phase.kind === 'capture', capture);

  const use = async (): Promise<void> => {
    if (!api || !shot) return;
    setBusy(true);
    let result;
    try {
      result = await api['visit.photo']({ action: 'submit', jpeg: await jpegBase64(shot) });
    } finally {
      setBusy(false);
    }
    if (!result.ok) {
      setPhase({ kind: 'preview', refused: true });
      return;
    }
    setShot(null);
    setPhase({ kind: 'reported' });
  };

  const alternative = <p className="notice-inline">{step.alternative[locale]}</p>;
  let body: ReactNode;
  if (phase.kind === 'consent') {
    body = (
      <>
        <p>{ft('photo.consent.body')}</p>
        <p>{ft('photo.consent.requirements')}</p>
        {alternative}
        <ConsentActions
          declineLabel={ft('photo.consent.decline')}
          agreeLabel={ft('photo.consent.agree')}
          onDecline={() => void decline()}
          onAgree={() => void start()}
          busy={busy}
        />
      </>
    );
  } else if (phase.kind === 'loading') {
    body = <p role="status">{ft('photo.loading')}</p>;
  } else if (phase.kind === 'capture') {
    body = (
      <>
        <div className="photo-stage">
          <CameraPreview videoRef={videoRef} label={ft('photo.camera')} />
          <div className="photo-outline" aria-hidden="true" />
        </div>
        <p role="status" className="face-guide" aria-live="polite">
          {guide ? ft(`photo.guide.${guide}`) : ft('photo.loading')}
        </p>
        <div className="actions">
          <button type="button" onClick={() => void decline()} disabled={busy}>
            {ft('photo.consent.decline')}
          </button>
        </div>
      </>
    );
  } else if (phase.kind === 'preview' && shot) {
    body = (
      <>
        <h2>{ft('photo.check')}</h2>
        <ShotPreview photo={shot} label={ft('photo.shot')} />
        {phase.refused ? (
          <p role="alert" className="problem">
            {ft('photo.refused')}
          </p>
        ) : null}
        <div className="actions">
          <button type="button" onClick={() => void start()} disabled={busy}>
            {ft('photo.retake')}
          </button>
          <button
            type="button"
            className="primary"
            onClick={() => void use()}
            disabled={busy || phase.refused}
          >
            {ft('photo.use')}
          </button>
        </div>
      </>
    );
  } else if (phase.kind === 'unavailable') {
    body = (
      <>
        <p role="status">{ft('photo.noCamera')}</p>
        {alternative}
        <div className="actions">
          <button type="button" className="primary" onClick={() => void decline()} disabled={busy}>
            {ft('photo.consent.decline')}
          </button>
        </div>
      </>
    );
  } else {
    const provided = visit.certificatePhoto?.status === 'provided';
    body = (
      <>
        <p role="status">{ft(provided ? 'photo.provided' : 'photo.declined')}</p>
        {provided ? null : alternative}
        <div className="actions">
          <button type="button" className="primary" onClick={onDone} disabled={busy}>
            {ft('photo.continue')}
          </button>
        </div>
      </>
    );
  }

  return (
    <CameraStepFrame
      className="face-check photo-step"
      titleId="photo-title"
      title={ft('photo.title')}
      busy={busy}
      onBack={onBack}
      onCancel={onCancel}
    >
      {body}
    </CameraStepFrame>
  );
}
