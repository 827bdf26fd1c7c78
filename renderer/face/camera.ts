/** Frame timing shared by the face check and the certificate photo screens. */

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
