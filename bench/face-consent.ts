/**
 * One cold process of the face benchmark (run by bench/face.bench.ts, not a benchmark itself): the Node
 * equivalent of the kiosk's path from the consent tap to the first guidance — card photo descriptor, then the
 * first camera frame analysed — `before` with the engine loaded only after consent (the old screen), `after`
 * with the models loaded and warmed up on zeros before consent (what the kiosk does now). The camera's own
 * start-up is not part of it. Prints one JSON line.
 */
import { FaceEngine } from '../main/services/face/engine.js';
import { decodeImage } from '../main/services/face/image.js';
import { idCardJpeg, liveFrame } from '../test/support/face-variants.js';

const mode = process.argv[2] === 'after' ? 'after' : 'before';
const card = decodeImage(idCardJpeg('collins'));
const frame = liveFrame('collins');
let t = performance.now();
let engine: FaceEngine | null = null;
let preloadMs = 0;
if (mode === 'after') {
  engine = await FaceEngine.load({ live: true });
  await engine.warmUp();
  preloadMs = performance.now() - t;
}
const consent = performance.now();
engine ??= await FaceEngine.load({ live: true });
const loadedAt = performance.now();
await engine.analyse(card);
const cardAt = performance.now();
await engine.analyse(frame, { live: false });
const guidanceAt = performance.now();
await engine.forget();
t = guidanceAt - consent;
console.log(
  JSON.stringify({
    mode,
    preloadMs,
    loadAfterConsentMs: loadedAt - consent,
    cardMs: cardAt - loadedAt,
    firstFrameMs: guidanceAt - cardAt,
    consentToGuidanceMs: t,
  }),
);
