/**
 * Measures the face mesh of the Collins camera picture with the kiosk's own model and writes it, with human's
 * triangulation, to test/fixtures/faces/collins-camera-mesh.json (what face-turn.ts warps with). Run with
 * `npx tsx test/support/make-face-mesh.ts` after the portrait, the camera picture or the model changes; the
 * integration test test/integration/face-turn.test.ts checks the stored mesh against the model.
 */
import { writeFileSync } from 'node:fs';
import { FaceEngine } from '../../main/services/face/engine.js';
import { cameraPicture } from './face-clips.js';
import { COLLINS_MESH_FILE, type MeshFixture } from './face-turn.js';

async function main(): Promise<void> {
  const engine = await FaceEngine.load();
  const picture = cameraPicture('open');
  const { faces, triangles } = await engine.meshes(picture);
  const face = faces[0];
  if (faces.length !== 1 || !face) throw new Error(`expected one face, found ${faces.length}`);
  const round = (v: number): number => Math.round(v * 10) / 10;
  const fixture: MeshFixture = {
    picture: "cameraPicture('open') of test/support/face-clips.ts",
    width: picture.width,
    height: picture.height,
    mesh: face.mesh.map((p) => [round(p[0]), round(p[1]), round(p[2])]),
    triangles: [...triangles],
  };
  writeFileSync(COLLINS_MESH_FILE, `${JSON.stringify(fixture)}\n`);
  console.log(`mesh written: ${COLLINS_MESH_FILE} (yaw ${face.yaw.toFixed(1)}°)`);
}

void main();
