/**
 * The turned-head pictures of the liveness clips, read by the kiosk's own model: the stored mesh is still what
 * the model finds on the camera picture, the warped pictures read as turns past the liveness rule's yaw in
 * the asked direction, with one face, and they are still the card photo's person.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { FaceEngine } from '../../main/services/face/engine.js';
import { decodeImage } from '../../main/services/face/image.js';
import {
  DEFAULT_FACE_THRESHOLDS,
  LIVE_GATES,
  evaluateQuality,
  faceSimilarity,
} from '../../main/services/face/policy.js';
import { LIVENESS_RULES } from '../../renderer/face/liveness.js';
import { TURN_DEGREES, cameraPicture, turnedPicture } from '../support/face-clips.js';
import { collinsMesh } from '../support/face-turn.js';
import { idCardJpeg } from '../support/face-variants.js';

// Real models on a shared 2-core machine: loading and each detection take seconds when others are busy.
const SLOW = 180_000;
let engine: FaceEngine;

beforeAll(async () => {
  engine = await FaceEngine.load();
}, SLOW);

describe('turned-head pictures (real models)', () => {
  it(
    'the stored mesh is the one the model finds on the camera picture',
    async () => {
      const { faces, triangles } = await engine.meshes(cameraPicture('open'));
      const stored = collinsMesh();
      expect(faces).toHaveLength(1);
      expect(stored.triangles).toEqual(triangles);
      const mesh = faces[0]?.mesh ?? [];
      const off = stored.mesh.map((p, i) =>
        Math.hypot(p[0] - (mesh[i]?.[0] ?? 0), p[1] - (mesh[i]?.[1] ?? 0)),
      );
      expect(Math.max(...off)).toBeLessThan(1);
    },
    SLOW,
  );

  it(
    'reads as a turn past the rule’s yaw, each way, and as the card photo’s person',
    async () => {
      const card = await engine.analyse(decodeImage(idCardJpeg('collins')));
      const reference = card.faces[0]?.embedding;
      expect(reference).toBeTruthy();
      for (const sign of [1, -1]) {
        const picture = turnedPicture(sign * TURN_DEGREES);
        const analysis = await engine.analyse(picture);
        const verdict = evaluateQuality(analysis.faces, analysis, LIVE_GATES);
        expect(verdict.faces, `sign ${sign}`).toBe(1);
        const face = analysis.faces.find((f) => f === verdict.face);
        expect((face?.yaw ?? 0) * sign, `sign ${sign}: yaw ${face?.yaw}`).toBeGreaterThanOrEqual(
          LIVENESS_RULES.turnYaw,
        );
        const score = reference && face?.embedding ? faceSimilarity(reference, face.embedding) : 0;
        expect(score, `sign ${sign}`).toBeGreaterThanOrEqual(DEFAULT_FACE_THRESHOLDS.match);
      }
      // The frontal picture the turns start from reads as frontal.
      const frontal = await engine.analyse(cameraPicture('open'));
      expect(Math.abs(frontal.faces[0]?.yaw ?? 99)).toBeLessThanOrEqual(LIVENESS_RULES.frontalYaw);
    },
    SLOW,
  );
});
