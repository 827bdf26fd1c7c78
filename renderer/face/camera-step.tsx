/**
 * What the face check and the certificate photo screens share: the camera session (preview element, stream,
 * the kiosk's one shared engine, and a run counter that ends a running analysis loop), the effect that attaches
 * the stream once the preview exists, and the screen's frame with Back and Cancel.
 */
import { useCallback, useEffect, useRef, type MutableRefObject, type ReactNode } from 'react';
import { BackButton } from '../components/BackButton.js';
import { useI18n } from '../i18n/i18n.js';
import { stopSpeaking } from '../i18n/speech.js';
import type { RendererFaceEngine } from './face-engine.js';

/** A camera step's camera, engine and run counter (see {@link useCameraSession}). */
export interface CameraSession {
  readonly videoRef: MutableRefObject<HTMLVideoElement | null>;
  readonly engineRef: MutableRefObject<RendererFaceEngine | null>;
  readonly streamRef: MutableRefObject<MediaStream | null>;
  /** Bumped to end the analysis loop that is running. */
  readonly runRef: MutableRefObject<number>;
  /** Ends the loop, stops the camera's tracks, and the engine forgets the faces (work canvas, human's cache). */
  readonly stop: () => void;
}

/**
 * The camera session of a step; leaving the screen stops the camera, lets go of the shared engine (which has
 * forgotten the faces and stays loaded for the next step) and stops speaking.
 */
export function useCameraSession(): CameraSession {
  const videoRef = useRef<HTMLVideoElement | null>(null);
  const engineRef = useRef<RendererFaceEngine | null>(null);
  const streamRef = useRef<MediaStream | null>(null);
  const runRef = useRef(0);
  const stop = useCallback(() => {
    runRef.current += 1;
    for (const track of streamRef.current?.getTracks() ?? []) track.stop();
    streamRef.current = null;
    if (videoRef.current) videoRef.current.srcObject = null;
    engineRef.current?.clear();
  }, []);
  useEffect(
    () => () => {
      stop();
      engineRef.current = null;
      stopSpeaking();
    },
    [stop],
  );
  return { videoRef, engineRef, streamRef, runRef, stop };
}

/** Once the preview element exists (`active`), attaches the stream and runs `loop`; ends it when inactive. */
export function useLivePreview(session: CameraSession, active: boolean, loop: () => Promise<void>): void {
  const { videoRef, streamRef, runRef } = session;
  useEffect(() => {
    if (!active) return;
    const video = videoRef.current;
    if (!video || !streamRef.current) return;
    video.srcObject = streamRef.current;
    // Autoplay refused or the stream ended: the face check's timeout says so.
    void video.play().catch(() => undefined);
    void loop();
    return () => {
      runRef.current += 1;
    };
  }, [active, loop, videoRef, streamRef, runRef]);
}

/** A camera step's screen: its title, its body, and Back / Cancel below. */
export function CameraStepFrame({
  className,
  titleId,
  title,
  busy,
  onBack,
  onCancel,
  children,
}: {
  readonly className: string;
  readonly titleId: string;
  readonly title: string;
  readonly busy: boolean;
  readonly onBack: () => void;
  readonly onCancel: () => void;
  readonly children: ReactNode;
}): ReactNode {
  const { t } = useI18n();
  return (
    <section className={className} aria-labelledby={titleId}>
      <h1 id={titleId}>{title}</h1>
      {children}
      <div className="actions secondary">
        <BackButton onBack={onBack} disabled={busy} />
        <button type="button" onClick={onCancel}>
          {t('nav.cancel')}
        </button>
      </div>
    </section>
  );
}

/** The consent's two choices: the alternative route, and agreeing to use the camera. */
export function ConsentActions({
  declineLabel,
  agreeLabel,
  onDecline,
  onAgree,
  busy,
}: {
  readonly declineLabel: string;
  readonly agreeLabel: string;
  readonly onDecline: () => void;
  readonly onAgree: () => void;
  readonly busy: boolean;
}): ReactNode {
  return (
    <div className="actions">
      <button type="button" onClick={onDecline} disabled={busy}>
        {declineLabel}
      </button>
      <button type="button" className="primary" onClick={onAgree} disabled={busy}>
        {agreeLabel}
      </button>
    </div>
  );
}

/** The live camera picture (mirrored by the stylesheet), named for screen readers. */
export function CameraPreview({
  videoRef,
  label,
}: {
  readonly videoRef: MutableRefObject<HTMLVideoElement | null>;
  readonly label: string;
}): ReactNode {
  return <video ref={videoRef} className="face-preview" aria-label={label} muted playsInline autoPlay />;
}
