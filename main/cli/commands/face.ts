/**
 * `booth face compare IMAGE_A IMAGE_B` and `booth face check IMAGE`: the kiosk's face engine and thresholds
 * run on image files, so a technician can calibrate on site and see why a capture would be refused. Only
 * decisions, scores and measures are printed — never a descriptor.
 */
import { readFile } from 'node:fs/promises';
import type { CliCommand, CliIO } from '../command.js';
import { CliError } from '../command.js';
import { parseOptions } from '../options.js';
import { FaceConfigError, faceThresholdsFromEnv } from '../../services/face/config.js';
import type { FaceEngine } from '../../services/face/engine.js';
import type { RgbImage } from '../../services/face/image.js';
import type { GateResult, QualityVerdict } from '../../services/face/policy.js';

async function readImage(file: string): Promise<RgbImage> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw new CliError(`cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`);
  }
  const { decodeImage, ImageDecodeError } = await import('../../services/face/image.js');
  try {
    return decodeImage(bytes);
  } catch (error) {
    if (error instanceof ImageDecodeError) throw new CliError(`${file}: ${error.message}`);
    throw error;
  }
}

/** What is printed of one image's verdict: the gates and guidance, no pixels, no descriptor. */
interface VerdictView {
  readonly file: string;
  readonly width: number;
  readonly height: number;
  readonly faces: number;
  readonly ok: boolean;
  readonly problems: readonly string[];
  readonly gates: readonly GateResult[];
  readonly pose: { yaw: number; pitch: number; roll: number } | null;
}

const r2 = (n: number): number => Number(n.toFixed(2));

function verdictView(file: string, image: RgbImage, v: QualityVerdict): VerdictView {
  return {
    file,
    width: image.width,
    height: image.height,
    faces: v.faces,
    ok: v.ok,
    problems: v.problems,
    gates: v.gates,
    pose: v.face ? { yaw: r2(v.face.yaw), pitch: r2(v.face.pitch), roll: r2(v.face.roll) } : null,
  };
}

function gateLines(v: VerdictView): string {
  const lines = [`${v.file}: ${v.width}×${v.height}, ${v.faces} face(s), ${v.ok ? 'usable' : 'refused'}`];
  for (const g of v.gates)
    lines.push(
      `  ${g.ok ? 'ok  ' : 'FAIL'} ${g.gate.padEnd(13)} ${String(g.value ?? '-').padStart(7)}${g.problem ? `  → ${g.problem}` : ''}`,
    );
  return lines.join('\n') + '\n';
}

async function loadEngine(): Promise<FaceEngine> {
  // Loaded on use: the engine pulls in tfjs and reads ~14 MB of models, which no other command needs.
  const { FaceEngine: Engine } = await import('../../services/face/engine.js');
  return Engine.load();
}

function thresholdsOf(io: CliIO): ReturnType<typeof faceThresholdsFromEnv> {
  try {
    return faceThresholdsFromEnv(io.env);
  } catch (error) {
    if (error instanceof FaceConfigError) throw new CliError(error.message, 2);
    throw error;
  }
}

async function compare(args: readonly string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseOptions(args, { json: { type: 'boolean' } }, true);
  if (positionals.length !== 2)
    throw new CliError('expected IMAGE_A and IMAGE_B, e.g. booth face compare card.bmp live.jpg', 2);
  const [fileA = '', fileB = ''] = positionals;
  const thresholds = thresholdsOf(io);
  const [a, b] = [await readImage(fileA), await readImage(fileB)];
  const engine = await loadEngine();
  const started = performance.now();
  const result = await engine.compare(a, b, thresholds);
  const ms = Math.round(performance.now() - started);
  const view = {
    decision: result.decision,
    score: result.score === null ? null : Number(result.score.toFixed(4)),
    thresholds,
    images: [verdictView(fileA, a, result.images[0]), verdictView(fileB, b, result.images[1])],
    backend: engine.backend(),
    ms,
  };
  if (values.json) {
    io.stdout(`${JSON.stringify(view)}\n`);
    return 0;
  }
  const score = view.score === null ? 'no score' : `score ${view.score.toFixed(3)}`;
  io.stdout(
    `${view.decision}  ${score}  (match ≥ ${thresholds.match}, no-match ≤ ${thresholds.noMatch}; ${ms} ms)\n`,
  );
  for (const v of view.images) if (!v.ok) io.stdout(gateLines(v));
  return 0;
}

async function check(args: readonly string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseOptions(
    args,
    { json: { type: 'boolean' }, reference: { type: 'boolean' } },
    true,
  );
  if (positionals.length !== 1) throw new CliError('expected one IMAGE, e.g. booth face check live.jpg', 2);
  const [file = ''] = positionals;
  const image = await readImage(file);
  const { LIVE_GATES, REFERENCE_GATES, evaluateQuality } = await import('../../services/face/policy.js');
  const engine = await loadEngine();
  const analysis = await engine.analyse(image);
  const gates = values.reference ? REFERENCE_GATES : LIVE_GATES;
  const view = verdictView(file, image, evaluateQuality(analysis.faces, analysis, gates));
  if (values.json)
    io.stdout(`${JSON.stringify({ profile: values.reference ? 'reference' : 'live', ...view })}\n`);
  else io.stdout(gateLines(view));
  return 0;
}

/** The `face` command group. */
export const commands: CliCommand[] = [
  {
    path: ['face', 'compare'],
    summary:
      'Compare the faces of two images 1:1 with the kiosk’s model and thresholds (match, no-match, uncertain, no-face, unusable)',
    usage: 'booth face compare IMAGE_A IMAGE_B [--json]',
    run: compare,
  },
  {
    path: ['face', 'check'],
    summary:
      'Report the quality gates of a capture: exactly one face, face size, framing, sharpness, exposure, frontal pose',
    usage: 'booth face check IMAGE [--reference] [--json]',
    run: check,
  },
];
