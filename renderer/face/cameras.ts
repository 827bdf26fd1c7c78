/**
 * The cameras as this page's browser sees them: listing them (for the technician screen and for the core's
 * camera rows), and opening the camera a role names — by its device id, else by its label when the id changed
 * (a new browser profile, another USB port) — and never, when a technician assigned one, silently another.
 */
import { useEffect } from 'react';
import type { CameraReportView, CameraSelectorView } from '../../main/api/views.js';
import { useKiosk } from '../api/kiosk.js';

/** The assigned camera is not among the cameras attached. */
export class CameraMissingError extends Error {
  constructor() {
    super('the assigned camera is not attached');
    this.name = 'CameraMissingError';
  }
}

/** Told on the window after the page was granted the camera (labels became readable): re-report. */
export const CAMERAS_CHANGED_EVENT = 'booth-cameras-changed';

/** The video inputs, with whether the browser shows their labels yet (only once the camera was granted). */
export async function listCameras(): Promise<CameraReportView> {
  const devices = await navigator.mediaDevices.enumerateDevices();
  const cameras = devices
    .filter((d) => d.kind === 'videoinput')
    .map((d) => ({ deviceId: d.deviceId, label: d.label }));
  return { cameras, labelsKnown: cameras.some((c) => c.label !== '') };
}

/** Stops every track of a stream (the camera's light goes off). */
export function stopStream(stream: MediaStream | null): void {
  for (const track of stream?.getTracks() ?? []) track.stop();
}

/** Whether a camera is the one a selector names (the same rule as the core's camera rows). */
export function selectorMatches(
  selector: CameraSelectorView,
  camera: { readonly deviceId: string; readonly label: string },
): boolean {
  if (selector.deviceId !== null && camera.deviceId === selector.deviceId) return true;
  if (selector.label === null || camera.label === '') return false;
  const label = camera.label.toLowerCase();
  const wanted = selector.label.toLowerCase();
  // Assigned by id: the label it had then, in full; assigned by label: any piece of it.
  return selector.deviceId !== null ? label === wanted : label.includes(wanted);
}

function isAbsent(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return name === 'OverconstrainedError' || name === 'NotFoundError';
}

/**
 * Opens the camera a role names (null: the first camera). Throws {@link CameraMissingError} when the named
 * camera is not attached, and the browser's own error when the camera cannot be opened.
 */
export async function openCamera(
  selector: CameraSelectorView | null,
  size: { readonly width: number; readonly height: number } = { width: 640, height: 480 },
): Promise<MediaStream> {
  const ask = async (deviceId?: string): Promise<MediaStream> => {
    const stream = await navigator.mediaDevices.getUserMedia({
      audio: false,
      video: { ...(deviceId ? { deviceId: { exact: deviceId } } : {}), ...size },
    });
    // Granted: the browser now shows the cameras' ids and labels, so the core's camera rows can say more.
    window.dispatchEvent(new Event(CAMERAS_CHANGED_EVENT));
    return stream;
  };
  if (!selector) return ask();
  if (selector.deviceId) {
    try {
      return await ask(selector.deviceId);
    } catch (error) {
      if (!isAbsent(error)) throw error;
    }
  }
  if (!selector.label) throw new CameraMissingError();
  let listed = await listCameras();
  // Labels are readable only once a camera was granted: open one, then keep it if it is the one named.
  let held: MediaStream | null = null;
  if (!listed.labelsKnown) {
    held = await ask();
    listed = await listCameras();
  }
  const match = listed.cameras.find((c) => selectorMatches(selector, c));
  if (!match) {
    stopStream(held);
    throw new CameraMissingError();
  }
  if (held?.getVideoTracks()[0]?.getSettings().deviceId === match.deviceId) return held;
  stopStream(held);
  return ask(match.deviceId);
}

/**
 * Calls `listener` now and whenever the camera list may have changed: a plug or unplug (`devicechange`), or the
 * camera granted for the first time (labels readable). Returns the unsubscribe function.
 */
export function watchCameras(listener: () => void): () => void {
  const media =
    typeof navigator === 'undefined' ? undefined : (navigator.mediaDevices as MediaDevices | undefined);
  if (!media) return () => undefined;
  listener();
  media.addEventListener('devicechange', listener);
  window.addEventListener(CAMERAS_CHANGED_EVENT, listener);
  return () => {
    media.removeEventListener('devicechange', listener);
    window.removeEventListener(CAMERAS_CHANGED_EVENT, listener);
  };
}

/**
 * Tells the core which cameras are attached: when the kiosk connects, on every `devicechange` (a camera
 * plugged in or out) and after the camera was first granted. Mounted once, for every screen.
 */
export function useCameraReport(): void {
  const { api, generation } = useKiosk();
  useEffect(() => {
    if (!api) return;
    let live = true;
    const off = watchCameras(() => {
      void listCameras()
        .then((list) => (live ? api['devices.cameras']({ ...list, cameras: [...list.cameras] }) : undefined))
        // The camera list is refreshed on the next change; the technician panel shows the last one.
        .catch(() => undefined);
    });
    return () => {
      live = false;
      off();
    };
  }, [api, generation]);
}
