import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import type { CameraAssignableRole } from '../../main/api/technician-views.js';
import type { CameraReportView, FaceSettingsView } from '../../main/api/views.js';
import { useKiosk, useKioskQuery } from '../api/kiosk.js';
import {
  CameraMissingError,
  listCameras,
  openCamera,
  selectorMatches,
  stopStream,
  watchCameras,
} from '../face/cameras.js';
import type { FaceBox, RendererFaceEngine } from '../face/face-engine.js';
import { useI18n } from '../i18n/i18n.js';
import { Outcome, assignText } from './Outcome.js';

type Camera = CameraReportView['cameras'][number];

const ROLES: readonly CameraAssignableRole[] = ['citizen-camera', 'document-camera'];
const SETTING: Readonly<Record<CameraAssignableRole, keyof FaceSettingsView>> = {
  'citizen-camera': 'citizenCamera',
  'document-camera': 'documentCamera',
};

/** What the camera test shows under its picture. */
interface TestState {
  readonly deviceId: string;
  readonly phase: 'opening' | 'running' | 'failed';
  readonly reason?: 'missing' | 'busy' | 'denied' | 'other';
  readonly width?: number;
  readonly height?: number;
  readonly fps?: number;
  readonly faces?: number;
}

function failure(error: unknown): NonNullable<TestState['reason']> {
  if (error instanceof CameraMissingError) return 'missing';
  const name = (error as { name?: unknown } | null)?.name;
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'missing';
  if (name === 'NotReadableError' || name === 'AbortError') return 'busy';
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'denied';
  return 'other';
}

/** Frames shown in the last second, from the video's own frame callbacks. */
function countFrames(video: HTMLVideoElement, onRate: (fps: number) => void): () => void {
  let stopped = false;
  const times: number[] = [];
  const tick = (now: number): void => {
    if (stopped) return;
    times.push(now);
    while (times.length > 0 && (times[0] ?? now) < now - 1000) times.shift();
    onRate(times.length);
    video.requestVideoFrameCallback(tick);
  };
  video.requestVideoFrameCallback(tick);
  return () => {
    stopped = true;
  };
}

/** Draws the face boxes over the preview, in the video's pixels (the canvas is scaled like the video). */
function drawBoxes(
  canvas: HTMLCanvasElement,
  width: number,
  height: number,
  boxes: readonly FaceBox[],
): void {
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.clearRect(0, 0, width, height);
  ctx.lineWidth = Math.max(3, Math.round(width / 160));
  ctx.strokeStyle = '#22c55e';
  for (const b of boxes) ctx.strokeRect(b.x, b.y, b.width, b.height);
}

/**
 * The cameras this page's browser lists (again on every plug or unplug), which role each plays, assigning the
 * citizen camera and the document camera by taps (the device id with its label; applied between visits without
 * a restart, stored like `booth config set-device`), and a camera test: the live picture with a box around each
 * face the kiosk's own detector finds, its resolution and frame rate in words. The camera is switched off when
 * the test ends or the screen closes (the idle exit included). Frames never leave this panel.
 */
export function CameraPanel(): ReactNode {
  const { api } = useKiosk();
  const { t } = useI18n();
  const [cameras, setCameras] = useState<readonly Camera[] | null>(null);
  const [outcome, setOutcome] = useState<string | null>(null);
  const [test, setTest] = useState<TestState | null>(null);
  const videoRef = useRef<HTMLVideoElement | null>(null);
  const canvasRef = useRef<HTMLCanvasElement | null>(null);
  const streamRef = useRef<MediaStream | null>(null);
  const engineRef = useRef<RendererFaceEngine | null>(null);
  const runRef = useRef(0);

  const settingsQuery = useKioskQuery<FaceSettingsView>((a) => a['face.settings']());
  const settings = settingsQuery.data;
  const loadSettings = settingsQuery.reload;

  // The list, and its names: the browser shows labels only once the camera was allowed, so a technician's
  // screen opens the camera for a moment if it must (a citizen's screens never do).
  useEffect(() => {
    let live = true;
    const refresh = async (): Promise<void> => {
      let listed = await listCameras();
      if (!listed.labelsKnown && listed.cameras.length > 0 && !streamRef.current) {
        try {
          stopStream(await openCamera(null));
          listed = await listCameras();
        } catch {
          // No permission or no camera: the list says what it can.
        }
      }
      if (live) setCameras(listed.cameras);
    };
    const off = watchCameras(() => void refresh());
    return () => {
      live = false;
      off();
    };
  }, []);
  const stopTest = useCallback((): void => {
    runRef.current += 1;
    stopStream(streamRef.current);
    streamRef.current = null;
    if (videoRef.current) videoRef.current.srcObject = null;
    engineRef.current?.clear();
    setTest(null);
  }, []);
  // Leaving the screen (signing out, the idle exit) switches the camera off.
  useEffect(
    () => () => {
      runRef.current += 1;
      stopStream(streamRef.current);
      streamRef.current = null;
      engineRef.current?.clear();
    },
    [],
  );

  const startTest = async (camera: Camera): Promise<void> => {
    stopTest();
    const run = ++runRef.current;
    setTest({ deviceId: camera.deviceId, phase: 'opening' });
    let stream: MediaStream;
    try {
      stream = await openCamera({ deviceId: camera.deviceId, label: camera.label || null });
      if (!engineRef.current) {
        // The kiosk's one engine (also the face check's), loaded once.
        const { preloadFaceEngine } = await import('../face/face-engine.js');
        engineRef.current = await preloadFaceEngine();
      }
    } catch (error) {
      if (runRef.current === run)
        setTest({ deviceId: camera.deviceId, phase: 'failed', reason: failure(error) });
      return;
    }
    if (runRef.current !== run) return stopStream(stream);
    streamRef.current = stream;
    setTest({ deviceId: camera.deviceId, phase: 'running' });
  };

  // Once the preview exists: play the stream, count its frames and box the faces, frame after frame.
  const running = test?.phase === 'running';
  useEffect(() => {
    const video = videoRef.current;
    const canvas = canvasRef.current;
    const engine = engineRef.current;
    const stream = streamRef.current;
    if (!running || !video || !canvas || !engine || !stream) return;
    const run = runRef.current;
    video.srcObject = stream;
    // Autoplay refused or the stream ended: the frame counter shows 0 fps.
    void video.play().catch(() => undefined);
    let fps = 0;
    const stopCounting = countFrames(video, (rate) => {
      fps = rate;
    });
    const loop = async (): Promise<void> => {
      while (runRef.current === run) {
        if (video.readyState < 2 || video.videoWidth === 0) {
          await new Promise((r) => setTimeout(r, 100));
          continue;
        }
        let boxes: FaceBox[] = [];
        try {
          boxes = await engine.faceBoxes(video);
        } catch {
          // A frame the detector could not take: the next one is tried.
        }
        if (runRef.current !== run) return;
        drawBoxes(canvas, video.videoWidth, video.videoHeight, boxes);
        const settingsRate = stream.getVideoTracks()[0]?.getSettings().frameRate;
        setTest((current) =>
          current?.phase === 'running'
            ? {
                ...current,
                width: video.videoWidth,
                height: video.videoHeight,
                // The rate the camera delivers (its track's setting); frames counted over the last second
                // where the browser does not say (the count runs low while the detector holds the page).
                fps: Math.round(settingsRate ?? fps),
                faces: boxes.length,
              }
            : current,
        );
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    void loop();
    return () => {
      stopCounting();
    };
  }, [running]);

  const roleName = (role: string): string => t(`device.${role}`);
  const assign = (role: CameraAssignableRole, camera: Camera | null, name: string): void => {
    void api?.['technician.assignCamera']({ role, camera }).then((r) => {
      if (!r.ok) return setOutcome(r.error.code);
      setOutcome(assignText(t, r.value, name));
      void loadSettings();
    });
  };
  const rolesOf = (camera: Camera): CameraAssignableRole[] =>
    ROLES.filter((role) => {
      const selector = settings?.[SETTING[role]] ?? null;
      return selector !== null && selectorMatches(selector, camera);
    });

  return (
    <section className="tech-panel" aria-labelledby="tech-cameras">
      <h2 id="tech-cameras">{t('tech.cameras')}</h2>
      {cameras && cameras.length === 0 ? <p>{t('tech.camera.none')}</p> : null}
      {cameras && cameras.length > 0 ? (
        <table className="tech-table tech-camera-list">
          <tbody>
            {cameras.map((camera, i) => {
              const name = camera.label || t('tech.camera.unnamed', { n: i + 1 });
              const roles = rolesOf(camera);
              return (
                <tr key={camera.deviceId || i} data-camera={camera.deviceId}>
                  <th scope="row">
                    <span className="tech-camera-name">{name}</span>
                    {roles.length > 0 ? (
                      <span className="tech-hint">
                        {t('tech.camera.usedAs', { role: roles.map(roleName).join('、') })}
                      </span>
                    ) : null}
                  </th>
                  <td>
                    <div className="tech-buttons">
                      {ROLES.filter((role) => !roles.includes(role)).map((role) => (
                        <button
                          key={role}
                          type="button"
                          disabled={camera.deviceId === ''}
                          onClick={() =>
                            assign(role, { deviceId: camera.deviceId, label: camera.label }, name)
                          }
                        >
                          {t('tech.assign.use', { role: roleName(role) })}
                        </button>
                      ))}
                      <button
                        type="button"
                        className="primary"
                        disabled={camera.deviceId === ''}
                        onClick={() => void startTest(camera)}
                      >
                        {t('tech.camera.test')}
                      </button>
                    </div>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
      <div className="tech-buttons">
        {ROLES.filter((role) => settings?.[SETTING[role]]).map((role) => (
          <button
            key={role}
            type="button"
            onClick={() =>
              assign(
                role,
                null,
                // Unassigned, the face check uses the first camera; nothing uses a document camera.
                t(role === 'citizen-camera' ? 'tech.camera.firstCamera' : 'tech.camera.unassigned'),
              )
            }
          >
            {t('tech.camera.clear', { role: roleName(role) })}
          </button>
        ))}
      </div>
      <Outcome text={outcome} />
      {test ? (
        <div className="tech-camera-test" role="group" aria-label={t('tech.camera.test')}>
          {test.phase === 'opening' ? <p role="status">{t('tech.camera.opening')}</p> : null}
          {test.phase === 'failed' ? (
            <p role="status">
              {t('tech.camera.failed', { reason: t(`tech.camera.error.${test.reason ?? 'other'}`) })}
            </p>
          ) : null}
          {test.phase === 'running' ? (
            <>
              <div className="tech-camera-picture">
                <video ref={videoRef} aria-label={t('tech.camera.preview')} muted playsInline autoPlay />
                <canvas
                  ref={canvasRef}
                  className="tech-camera-boxes"
                  data-faces={test.faces ?? 0}
                  aria-hidden
                />
              </div>
              <p role="status" className="tech-camera-figures">
                {test.width && test.height
                  ? `${t('tech.camera.format', { width: test.width, height: test.height, fps: test.fps ?? 0 })} · ${
                      test.faces ? t('tech.camera.faces', { count: test.faces }) : t('tech.camera.noFace')
                    }`
                  : t('tech.camera.opening')}
              </p>
            </>
          ) : null}
          <button type="button" onClick={stopTest}>
            {t('tech.camera.stop')}
          </button>
        </div>
      ) : null}
    </section>
  );
}
