import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../main/cli/main.js';
import type { CliIO } from '../../main/cli/command.js';
import { documentsDir, pdfText } from '../../domain/documents/test-support.js';

const run = promisify(execFile);
const root = path.resolve(documentsDir, '../..');
const fixtures = path.join(documentsDir, '__fixtures__');
const work = mkdtempSync(path.join(tmpdir(), 'booth-document-cli-'));

function collectingIO(): CliIO & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    env: {},
    signal: new AbortController().signal,
  };
}

describe('booth document render', () => {
  it('writes the PDF and says where', async () => {
    const io = collectingIO();
    const out = path.join(work, 'letter.pdf');
    const code = await runCli(
      ['document', 'render', 'letter-copy', path.join(fixtures, 'letter.zh-CN.json'), '--out', out],
      io,
    );
    expect(code).toBe(0);
    expect(io.out.join('')).toContain(`${out}: letter-copy,`);
    expect(readFileSync(out).subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdfText(out)).toContain('XX-20261129-0042');
  });

  it('names the JSON path of a bad field in one line and exits non-zero', async () => {
    const data = JSON.parse(
      readFileSync(path.join(fixtures, 'certificate.household.json'), 'utf8'),
    ) as Record<string, unknown>;
    data['holder'] = { name: '张三', idNumberMasked: '44030419900101123X' };
    const file = path.join(work, 'bad-cert.json');
    writeFileSync(file, JSON.stringify(data));
    const out = path.join(work, 'never.pdf');
    const io = collectingIO();
    const code = await runCli(['document', 'render', 'certificate', file, '--out', out], io);
    expect(code).toBe(1);
    const err = io.err.join('');
    expect(err.trim().split('\n')).toHaveLength(1);
    expect(err).toContain('holder.idNumberMasked: looks like a full ID number');
    expect(err).toContain('[full_id_number]');
    expect(existsSync(out)).toBe(false);
  });

  it('rejects unknown kinds, missing --out, unreadable and non-JSON files', async () => {
    const good = path.join(fixtures, 'letter.en.json');
    const cases: Array<[string[], RegExp, number]> = [
      [['document', 'render', 'poster', good, '--out', path.join(work, 'x.pdf')], /unknown kind 'poster'/, 2],
      [['document', 'render', 'letter-copy', good], /--out FILE\.pdf is required/, 2],
      [
        [
          'document',
          'render',
          'letter-copy',
          path.join(work, 'nope.json'),
          '--out',
          path.join(work, 'x.pdf'),
        ],
        /cannot read .*nope\.json \(ENOENT\)/,
        1,
      ],
    ];
    const notJson = path.join(work, 'not.json');
    writeFileSync(notJson, '{ "locale": ');
    cases.push([
      ['document', 'render', 'letter-copy', notJson, '--out', path.join(work, 'x.pdf')],
      /not\.json is not valid JSON/,
      1,
    ]);
    for (const [argv, pattern, exit] of cases) {
      const io = collectingIO();
      expect(await runCli(argv, io)).toBe(exit);
      expect(io.err.join('')).toMatch(pattern);
    }
  });

  it('works as a real subprocess', async () => {
    const out = path.join(work, 'receipt.pdf');
    const { stdout } = await run(
      'node',
      [
        'bin/booth.mjs',
        'document',
        'render',
        'receipt-80mm',
        path.join(fixtures, 'receipt.zh-CN.json'),
        '--out',
        out,
      ],
      { cwd: root },
    );
    expect(stdout).toContain('receipt-80mm');
    expect(pdfText(out)).toContain('业务办理回执');
    const bad = path.join(work, 'missing-field.json');
    writeFileSync(bad, JSON.stringify({ locale: 'zh-CN' }));
    const failed = await run(
      'node',
      ['bin/booth.mjs', 'document', 'render', 'receipt-a4', bad, '--out', out],
      { cwd: root },
    ).then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stderr).toMatch(/missing-field\.json: kioskId: .*\[invalid_data\]/);
  });
});
