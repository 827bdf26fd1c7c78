/** The citizen camera, shared by the face check and the certificate photo screens. */
import type { CameraSelectorView } from '../../main/api/views.js';

/**
 * Opens the configured camera: by device id, else by a piece of its label, else the first one. `size` is the
 * picture size asked for (the face check needs 640×480; a certificate photo wants more pixels).
 */
export async function cameraStream(
  selector: CameraSelectorView | null,
  size: { readonly width: number; readonly height: number } = { width: 640, height: 480 },
): Promise<MediaStream> {
  const ask = (deviceId?: string): Promise<MediaStream> =>
    navigator.mediaDevices.getUserMedia({
      audio: false,
      video: {
        ...(deviceId ? { deviceId: { exact: deviceId } } : {}),
        width: size.width,
        height: size.height,
      },
    });
  if (selector?.deviceId) return ask(selector.deviceId);
  const stream = await ask();
  if (!selector?.label) return stream;
  // Labels are readable only once a camera was granted; then switch if another one matches.
  const wanted = selector.label.toLowerCase();
  const match = (await navigator.mediaDevices.enumerateDevices()).find(
    (d) => d.kind === 'videoinput' && d.label.toLowerCase().includes(wanted),
  );
  const current = stream.getVideoTracks()[0]?.getSettings().deviceId;
  if (!match || match.deviceId === current) return stream;
  for (const track of stream.getTracks()) track.stop();
  return ask(match.deviceId);
}

/** Resolves at the video's next frame, or after 250 ms at the latest (a stalled camera). */
export function nextVideoFrame(video: HTMLVideoElement): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, 250);
    video.requestVideoFrameCallback(() => {
      clearTimeout(timer);
      // One more turn of the event loop, so a render scheduled by the last frame's state runs first.
      setTimeout(resolve, 0);
    });
  });
}
