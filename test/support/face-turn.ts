/**
 * A turned head made from a frontal picture, for the liveness tests: the picture's own face mesh (human's
 * 468-point 3D mesh, measured once by the model — see test/fixtures/faces/collins-camera-mesh.json) is rotated
 * about the vertical axis through the head's centre, projected back onto the picture (orthographic: the face
 * is small against its distance from the camera), and every mesh triangle of the picture is warped, affine per
 * triangle, onto its rotated position. Around the face, two rings of points carry the hair, ears and neck
 * part of the way, so the picture has no seam; beyond the outer ring it is unchanged.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { RgbImage } from '../../main/services/face/image.js';
import { FACE_FIXTURES } from './face-variants.js';

/** A mesh point: x, y in pixels, z relative depth (smaller = nearer the camera), as human gives it. */
export type Point3 = readonly [number, number, number];

const meshFixtureSchema = z.object({
  /** What the mesh was measured on (the picture `cameraPicture('open')` of face-clips.ts). */
  picture: z.string(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  mesh: z.array(z.tuple([z.number(), z.number(), z.number()])).min(468),
  triangles: z.array(z.number().int().min(0).max(467)),
});

/** A measured face mesh with human's triangulation of it. */
export type MeshFixture = z.infer<typeof meshFixtureSchema>;

/** The file holding the mesh of the camera picture of the Collins portrait. */
export const COLLINS_MESH_FILE = path.join(FACE_FIXTURES, 'collins-camera-mesh.json');

/** Reads the measured mesh of the Collins camera picture. */
export function collinsMesh(): MeshFixture {
  return meshFixtureSchema.parse(JSON.parse(readFileSync(COLLINS_MESH_FILE, 'utf8')));
}

// The face's outline in the 468-point topology (MediaPipe's FACE_OVAL), in order round the face.
const FACE_OVAL = [
  10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378, 400, 377, 152, 148, 176, 149,
  150, 136, 172, 58, 132, 93, 234, 127, 162, 21, 54, 103, 67, 109,
] as const;

// The inner edge of the lips, in order: human's triangulation leaves the open mouth as a hole, closed here.
const INNER_LIPS = [
  78, 191, 80, 81, 82, 13, 312, 311, 310, 415, 308, 324, 318, 402, 317, 14, 87, 178, 88, 95,
] as const;

/** Rings around the face outline: how far out (× the outline's distance from the centre), how much they follow. */
const RINGS = [
  { scale: 1.45, follow: 0.6 },
  { scale: 2.4, follow: 0 },
] as const;

type Vec2 = readonly [number, number];

/** Draws the source triangle `s` of `src` onto the destination triangle `d` of `out` (affine, bilinear). */
function warpTriangle(src: RgbImage, out: RgbImage, s: readonly Vec2[], d: readonly Vec2[]): void {
  const [d0, d1, d2] = d as [Vec2, Vec2, Vec2];
  const [s0, s1, s2] = s as [Vec2, Vec2, Vec2];
  const det = (d1[0] - d0[0]) * (d2[1] - d0[1]) - (d2[0] - d0[0]) * (d1[1] - d0[1]);
  if (Math.abs(det) < 1e-6) return;
  const x0 = Math.max(0, Math.floor(Math.min(d0[0], d1[0], d2[0])));
  const x1 = Math.min(out.width - 1, Math.ceil(Math.max(d0[0], d1[0], d2[0])));
  const y0 = Math.max(0, Math.floor(Math.min(d0[1], d1[1], d2[1])));
  const y1 = Math.min(out.height - 1, Math.ceil(Math.max(d0[1], d1[1], d2[1])));
  for (let y = y0; y <= y1; y++)
    for (let x = x0; x <= x1; x++) {
      // Barycentric coordinates of the pixel centre in the destination triangle.
      const px = x - d0[0];
      const py = y - d0[1];
      const b1 = (px * (d2[1] - d0[1]) - (d2[0] - d0[0]) * py) / det;
      const b2 = ((d1[0] - d0[0]) * py - px * (d1[1] - d0[1])) / det;
      const b0 = 1 - b1 - b2;
      const e = -1e-3;
      if (b0 < e || b1 < e || b2 < e) continue;
      const sx = b0 * s0[0] + b1 * s1[0] + b2 * s2[0];
      const sy = b0 * s0[1] + b1 * s1[1] + b2 * s2[1];
      const ix = Math.min(src.width - 2, Math.max(0, Math.floor(sx)));
      const iy = Math.min(src.height - 2, Math.max(0, Math.floor(sy)));
      const fx = Math.min(1, Math.max(0, sx - ix));
      const fy = Math.min(1, Math.max(0, sy - iy));
      for (let c = 0; c < 3; c++) {
        const at = (xx: number, yy: number): number => src.data[(yy * src.width + xx) * 3 + c] ?? 0;
        const v =
          at(ix, iy) * (1 - fx) * (1 - fy) +
          at(ix + 1, iy) * fx * (1 - fy) +
          at(ix, iy + 1) * (1 - fx) * fy +
          at(ix + 1, iy + 1) * fx * fy;
        out.data[(y * out.width + x) * 3 + c] = Math.round(v);
      }
    }
}

/**
 * The picture with its head turned by `degrees` about the vertical axis (positive: the face's right side —
 * the picture's left — comes forward, i.e. the face turns towards the picture's right). `axisDepth` puts the
 * axis behind the face: that share of the face's width behind its outline (about the ears).
 */
export function turnHead(
  picture: RgbImage,
  fixture: MeshFixture,
  degrees: number,
  axisDepth = 0.25,
): RgbImage {
  const mesh = fixture.mesh;
  const oval = FACE_OVAL.map((i) => mesh[i] as Point3);
  const xs = mesh.map((p) => p[0]);
  const width = Math.max(...xs) - Math.min(...xs);
  const cx = oval.reduce((s, p) => s + p[0], 0) / oval.length;
  const cy = oval.reduce((s, p) => s + p[1], 0) / oval.length;
  const cz = Math.max(...oval.map((p) => p[2])) + width * axisDepth;
  const a = (degrees * Math.PI) / 180;
  const rotate = (p: Point3): Point3 => {
    const dx = p[0] - cx;
    const dz = p[2] - cz;
    return [cx + dx * Math.cos(a) + dz * Math.sin(a), p[1], cz - dx * Math.sin(a) + dz * Math.cos(a)];
  };
  const moved = mesh.map(rotate);
  const out: RgbImage = { width: picture.width, height: picture.height, data: picture.data.slice() };

  // The rings: each outline point pushed out from the centre; they move by a share of the outline's shift.
  const rings = RINGS.map(({ scale, follow }) =>
    FACE_OVAL.map((i) => {
      const p = mesh[i] as Point3;
      const q = moved[i] as Point3;
      const src: Vec2 = [cx + (p[0] - cx) * scale, cy + (p[1] - cy) * scale];
      const dst: Vec2 = [src[0] + (q[0] - p[0]) * follow, src[1] + (q[1] - p[1]) * follow];
      return { src, dst };
    }),
  );
  const outline = FACE_OVAL.map((i) => ({
    src: [(mesh[i] as Point3)[0], (mesh[i] as Point3)[1]] as Vec2,
    dst: [(moved[i] as Point3)[0], (moved[i] as Point3)[1]] as Vec2,
  }));
  // Outer band first (outer ring to middle ring, then middle ring to the outline), as quads of two triangles.
  const bands = [
    [rings[1], rings[0]],
    [rings[0], outline],
  ] as const;
  for (const [outer, inner] of bands) {
    if (!outer || !inner) continue;
    for (let i = 0; i < inner.length; i++) {
      const j = (i + 1) % inner.length;
      const [o0, o1, i0, i1] = [outer[i], outer[j], inner[i], inner[j]];
      if (!o0 || !o1 || !i0 || !i1) continue;
      warpTriangle(picture, out, [o0.src, o1.src, i0.src], [o0.dst, o1.dst, i0.dst]);
      warpTriangle(picture, out, [o1.src, i1.src, i0.src], [o1.dst, i1.dst, i0.dst]);
    }
  }
  // The face's triangles, the farthest first, so the near side covers what turned away.
  const tris: { idx: readonly [number, number, number]; depth: number }[] = [];
  for (let t = 0; t + 2 < fixture.triangles.length; t += 3) {
    const idx = [fixture.triangles[t], fixture.triangles[t + 1], fixture.triangles[t + 2]] as [
      number,
      number,
      number,
    ];
    const depth = idx.reduce((s, i) => s + (moved[i] as Point3)[2], 0) / 3;
    tris.push({ idx, depth });
  }
  // The mouth's opening as a fan, behind the face's own triangles.
  for (let k = 1; k + 1 < INNER_LIPS.length; k++) {
    const idx = [INNER_LIPS[0], INNER_LIPS[k], INNER_LIPS[k + 1]] as [number, number, number];
    tris.push({ idx, depth: Infinity });
  }
  tris.sort((p, q) => q.depth - p.depth);
  for (const { idx } of tris) {
    const s = idx.map((i) => [(mesh[i] as Point3)[0], (mesh[i] as Point3)[1]] as Vec2);
    const d = idx.map((i) => [(moved[i] as Point3)[0], (moved[i] as Point3)[1]] as Vec2);
    warpTriangle(picture, out, s, d);
  }
  return out;
}
