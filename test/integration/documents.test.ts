import { describe, expect, it } from 'vitest';
import jsQRModule from 'jsqr';
import { renderDocument } from '../../domain/documents/render.js';
import type { DocumentKind, DocumentResult } from '../../domain/documents/render.js';
import {
  fixture,
  pageSize,
  pdfFonts,
  pdfInfo,
  pdfText,
  rasterize,
  savePdf,
} from '../../domain/documents/test-support.js';

// jsqr is CommonJS with an ES-style default: the NodeNext types see the module, the runtime gives either.
type JsQr = typeof jsQRModule.default;
const jsQR: JsQr = (jsQRModule as unknown as { default?: JsQr }).default ?? (jsQRModule as unknown as JsQr);

const MM = 72 / 25.4;
const FULL_ID = '44030419900101123X';
const MASKED_ID = '4403**********123X';

async function render(
  kind: DocumentKind,
  data: unknown,
): Promise<{ pdf: Uint8Array; file: string; text: string }> {
  const result = await renderDocument(kind, data);
  if (!result.ok) throw new Error(`expected a PDF, got ${result.error.code}: ${result.error.message}`);
  const file = savePdf(result.value, kind);
  return { pdf: result.value, file, text: pdfText(file) };
}

/** pdftotext drops the narrow spaces between CJK characters: compare without whitespace. */
function compact(text: string): string {
  return text.replace(/\s+/g, '');
}

function expectError(result: DocumentResult): { code: string; message: string; path?: string } {
  if (result.ok) throw new Error('expected an error, got a PDF');
  return result.error;
}

/** Every check each document must pass: size, embedded subset font, no full ID anywhere. */
function expectWellFormed(pdf: Uint8Array, file: string, text: string): void {
  expect(pdf.length).toBeLessThan(200 * 1024);
  const fonts = pdfFonts(file);
  expect(fonts.length).toBeGreaterThan(0);
  for (const font of fonts) {
    expect(font.embedded).toBe(true);
    expect(font.subset).toBe(true);
    expect(font.name).toMatch(/^[A-Z]{6}\+NotoSansCJKsc-Regular$/);
  }
  expect(Buffer.from(pdf).toString('latin1')).not.toContain(FULL_ID);
  expect(text).not.toContain(FULL_ID);
}

describe('visit receipt, 80 mm roll', () => {
  it('is 80 mm wide, fitted to its content, with Simplified Chinese text and the masked ID', async () => {
    const { pdf, file, text } = await render('receipt-80mm', fixture('receipt.zh-CN'));
    expectWellFormed(pdf, file, text);
    const size = pageSize(file);
    expect(size.width).toBeCloseTo(80 * MM, 1);
    expect(size.height).toBeGreaterThan(100 * MM);
    expect(size.height).toBeLessThan(297 * MM);
    for (const s of [
      '业务办理回执',
      '业务流水号',
      'JW-20261129-000123',
      '驾驶证补领',
      '10 分钟内签收',
      '¥10.00',
      MASKED_ID,
    ]) {
      expect(text).toContain(s);
    }
    expect(text).toContain('演示 DEMONSTRATION');
    expect(pdfInfo(file)['Pages']).toBe('1');
  });

  it('grows with the number of services', async () => {
    const one = fixture('receipt.zh-CN');
    const many = fixture('receipt.zh-CN');
    const service = { id: 'x', name: '交通违法处理', status: '已受理', promise: '当场办结' };
    many['services'] = Array.from({ length: 12 }, (_, i) => ({ ...service, id: `s${i}` }));
    const small = pageSize((await render('receipt-80mm', one)).file).height;
    const large = pageSize((await render('receipt-80mm', many)).file).height;
    expect(large).toBeGreaterThan(small + 200);
  });

  it('carries a QR code of the progress URL that a reader decodes', async () => {
    const data = fixture('receipt.en');
    const { file, text } = await render('receipt-80mm', data);
    expect(text).toContain('Service Receipt');
    expect(text).toContain('Temporary residence registration');
    const png = rasterize(file, 200);
    const code = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
    expect(code?.data).toBe(data['progressUrl']);
  });
});

describe('visit receipt, A4', () => {
  it('renders Traditional Chinese on an A4 page without the demonstration marking in production', async () => {
    const { pdf, file, text } = await render('receipt-a4', fixture('receipt.zh-HK'));
    expectWellFormed(pdf, file, text);
    const size = pageSize(file);
    expect(size.width).toBeCloseTo(210 * MM, 0);
    expect(size.height).toBeCloseTo(297 * MM, 0);
    for (const s of ['業務辦理回執', '陳大文', '往來港澳通行證簽注', '7 個工作日內辦結', 'H12****(3)']) {
      expect(text).toContain(s);
    }
    expect(compact(text)).toContain('第1頁/共1頁');
    expect(compact(pdfText(file, true))).not.toContain('演示');
  });

  it('continues a long list of services on a second page', async () => {
    const data = fixture('receipt.zh-CN');
    const name = '出入境证件办理'.repeat(8);
    data['services'] = Array.from({ length: 20 }, (_, i) => ({
      id: `s${i}`,
      name,
      status: '已受理',
      promise: '10 个工作日',
      reference: `REF-${i}`,
    }));
    const { pdf, file, text } = await render('receipt-a4', data);
    expectWellFormed(pdf, file, text);
    expect(Number(pdfInfo(file)['Pages'])).toBeGreaterThanOrEqual(2);
    expect(text).toContain('REF-19');
    expect(compact(text)).toMatch(/第2页\/共\d页/);
  });
});

describe('certificates', () => {
  it('household registration: title, number, masked holder, unit, date, body, watermark, verification QR', async () => {
    const data = fixture('certificate.household');
    const { pdf, file, text } = await render('certificate', data);
    expectWellFormed(pdf, file, text);
    for (const s of [
      'HJZM-2026-440304-000123',
      '张三',
      MASKED_ID,
      '深圳市公安局福田分局福田派出所',
      '2026年11月29日',
      '广东省深圳市福田区福田街道福华路 100 号',
      '扫码核验本证明真伪',
    ]) {
      expect(text).toContain(s);
    }
    expect(compact(text)).toContain('户籍证明');
    expect(compact(text)).toContain('系我辖区常住户口居民');
    expect(compact(pdfText(file, true))).toContain('演示DEMONSTRATION');
    const png = rasterize(file, 150);
    const code = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
    expect(code?.data).toBe(data['verificationUrl']);
  });

  it('no criminal record, Traditional Chinese, production: no watermark', async () => {
    const { pdf, file, text } = await render('certificate', fixture('certificate.no-criminal-record'));
    expectWellFormed(pdf, file, text);
    expect(compact(text)).toContain('無犯罪記錄證明');
    for (const s of ['陳大文', '8100**********0017', '證明編號']) {
      expect(text).toContain(s);
    }
    expect(compact(text)).toContain('未發現陳大文有犯罪記錄');
    expect(compact(pdfText(file, true))).not.toContain('演示');
    expect(text).not.toContain('DEMONSTRATION');
  });

  it('English labels', async () => {
    const data = {
      ...fixture('certificate.household'),
      locale: 'en',
      body: 'This is to certify that the holder is a permanent resident.',
    };
    const { text } = await render('certificate', data);
    for (const s of [
      'Household Registration Certificate',
      'Certificate No.',
      'Holder',
      'Issued by',
      'Date of issue',
      '2026-11-29',
    ]) {
      expect(text).toContain(s);
    }
  });

  it('cuts a 10,000-character body with an ellipsis and stays on one page', async () => {
    const body = '兹证明该居民户籍登记信息属实。'.repeat(667).slice(0, 10_000);
    const { pdf, file, text } = await render('certificate', { ...fixture('certificate.household'), body });
    expectWellFormed(pdf, file, text);
    expect(pdfInfo(file)['Pages']).toBe('1');
    expect(text).toContain('…');
    expect(text).toContain('2026年11月29日'); // the signature block still prints below the cut body
  });
});

describe('over-long values within the schema limits', () => {
  it('keep a certificate on one page: fields that do not fit are counted, the body is cut', async () => {
    const data = fixture('certificate.household');
    data['holder'] = { name: 'N'.repeat(120), idNumberMasked: MASKED_ID };
    data['issuingUnit'] = '局'.repeat(120);
    data['fields'] = Array.from({ length: 12 }, (_, i) => ({
      label: `L${i}`.repeat(13),
      value: 'V'.repeat(300),
    }));
    data['body'] = 'B'.repeat(10_000);
    const { pdf, file, text } = await render('certificate', data);
    expectWellFormed(pdf, file, text);
    expect(pdfInfo(file)['Pages']).toBe('1');
    expect(text).toMatch(/… \(\+\d+\)/);
    expect(text).toContain('2026年11月29日');
  });

  it('wrap unbreakable strings on receipts and letters without throwing', async () => {
    const receipt = fixture('receipt.zh-CN');
    receipt['kioskName'] = 'W'.repeat(120);
    receipt['notice'] = '注'.repeat(500);
    receipt['services'] = Array.from({ length: 20 }, (_, i) => ({
      id: `s${i}`,
      name: 'M'.repeat(200),
      status: 'S'.repeat(120),
      promise: 'P'.repeat(200),
      reference: 'R'.repeat(80),
      fee: 1_000_000,
    }));
    for (const kind of ['receipt-80mm', 'receipt-a4'] as const) {
      const { pdf, file, text } = await render(kind, receipt);
      expectWellFormed(pdf, file, text);
      expect(text).toContain('¥20000000.00');
    }
    const letter = { ...fixture('letter.zh-CN'), subject: '\u0000'.repeat(200), body: 'x'.repeat(20_000) };
    const { pdf, file, text } = await render('letter-copy', letter);
    expectWellFormed(pdf, file, text);
    expect(text).toContain('□□□');
  });
});

describe("chief's mailbox letter copy", () => {
  it('shows the tracking number, the three promises, and masked personal numbers', async () => {
    const { pdf, file, text } = await render('letter-copy', fixture('letter.zh-CN'));
    expectWellFormed(pdf, file, text);
    for (const s of [
      '局长信箱',
      'XX-20261129-0042',
      '10 分钟内签收',
      '30 分钟内答复',
      '48 小时内首次反馈',
      '建议',
      '138****5678',
      MASKED_ID,
      '夜间开放',
    ]) {
      expect(text).toContain(s);
    }
  });

  it('English, anonymous, without a QR code', async () => {
    const { text } = await render('letter-copy', fixture('letter.en'));
    for (const s of [
      'Tracking No.',
      'XX-20261129-0043',
      'Signed for within 10 minutes',
      'Answered within 30 minutes',
      'First feedback within 48 hours',
      'Anonymous',
      'Request for help',
    ]) {
      expect(text).toContain(s);
    }
  });

  it('Traditional Chinese promises', async () => {
    const { text } = await render('letter-copy', { ...fixture('letter.zh-CN'), locale: 'zh-HK' });
    for (const s of ['局長信箱', '10 分鐘內簽收', '30 分鐘內答覆', '48 小時內首次回饋', '查詢編號'])
      expect(text).toContain(s);
  });

  it('flows a 10,000-character letter over several pages, numbered', async () => {
    const body = `${'我想反映小区门口夜间噪音扰民的问题。'.repeat(555)}结尾标记END`.slice(-10_000);
    const { pdf, file, text } = await render('letter-copy', { ...fixture('letter.zh-CN'), body });
    expectWellFormed(pdf, file, text);
    const pages = Number(pdfInfo(file)['Pages']);
    expect(pages).toBeGreaterThanOrEqual(3);
    expect(text).toContain('结尾标记END');
    expect(compact(text)).toContain(`第${pages}页/共${pages}页`);
  });

  it('masks a full ID number the citizen typed into the letter', async () => {
    const body = `我的身份证号是 ${FULL_ID}，请帮我查询。`;
    const { pdf, file, text } = await render('letter-copy', { ...fixture('letter.zh-CN'), body });
    expectWellFormed(pdf, file, text);
    expect(text).toContain(`我的身份证号是 ${MASKED_ID}`);
  });
});

describe('unprintable characters', () => {
  it('replaces emoji and control characters visibly instead of dropping them', async () => {
    const data = fixture('letter.zh-CN');
    data['subject'] = '求助😀一下';
    data['body'] = '家人👨‍👩‍👧走失\u0007了';
    const { text } = await render('letter-copy', data);
    expect(text).toContain('求助□一下');
    expect(text).toContain('家人□走失□了');
    expect(text).not.toContain('😀');
  });

  it('replaces characters outside the embedded font (here: a CJK Extension B ideograph)', async () => {
    const data = fixture('receipt.zh-CN');
    data['citizen'] = { name: '王𠮷', idNumberMasked: MASKED_ID };
    const { text } = await render('receipt-80mm', data);
    expect(text).toContain('王□');
  });
});

describe('bad data', () => {
  it('names the missing field', async () => {
    const data = fixture('receipt.zh-CN');
    delete data['transactionNumber'];
    const error = expectError(await renderDocument('receipt-80mm', data));
    expect(error.code).toBe('invalid_data');
    expect(error.path).toBe('transactionNumber');
    expect(error.message).toMatch(/^transactionNumber: /);
  });

  it('names nested and array paths', async () => {
    const cert = fixture('certificate.household');
    cert['holder'] = { idNumberMasked: MASKED_ID };
    expect(expectError(await renderDocument('certificate', cert)).path).toBe('holder.name');
    const receipt = fixture('receipt.zh-CN');
    (receipt['services'] as Array<Record<string, unknown>>)[1] = { id: 'x', status: 'ok' };
    expect(expectError(await renderDocument('receipt-a4', receipt)).path).toBe('services[1].name');
  });

  it('rejects a full ID number in a masked field, for every document', async () => {
    const receipt = fixture('receipt.zh-CN');
    receipt['citizen'] = { name: '张三', idNumberMasked: FULL_ID };
    const r = expectError(await renderDocument('receipt-80mm', receipt));
    expect(r).toMatchObject({ code: 'full_id_number', path: 'citizen.idNumberMasked' });
    expect(r.message).toContain('full ID number');
    const cert = fixture('certificate.household');
    cert['holder'] = { name: '张三', idNumberMasked: '440304 19900101 123X' };
    expect(expectError(await renderDocument('certificate', cert))).toMatchObject({
      code: 'full_id_number',
      path: 'holder.idNumberMasked',
    });
    const letter = fixture('letter.zh-CN');
    letter['sender'] = { name: '张三', idNumberMasked: MASKED_ID, phoneMasked: '13812345678' };
    expect(expectError(await renderDocument('letter-copy', letter))).toMatchObject({
      code: 'full_id_number',
      path: 'sender.phoneMasked',
    });
  });

  it('rejects over-long text with its path, non-objects, and unknown kinds, without throwing', async () => {
    const letter = { ...fixture('letter.zh-CN'), body: 'x'.repeat(20_001) };
    expect(expectError(await renderDocument('letter-copy', letter))).toMatchObject({
      code: 'invalid_data',
      path: 'body',
    });
    expect(expectError(await renderDocument('certificate', null)).code).toBe('invalid_data');
    expect(expectError(await renderDocument('letter-copy', 'hello')).code).toBe('invalid_data');
    expect(expectError(await renderDocument('poster' as DocumentKind, {})).code).toBe('unknown_kind');
  });

  it('reports a missing font file as a typed error', async () => {
    const result = await renderDocument('certificate', fixture('certificate.household'), {
      fontPath: '/nonexistent/font.otf',
    });
    expect(expectError(result)).toMatchObject({ code: 'font_missing' });
  });
});

describe('determinism', () => {
  it('the same data gives the same bytes', async () => {
    for (const [kind, name] of [
      ['receipt-80mm', 'receipt.zh-CN'],
      ['certificate', 'certificate.household'],
      ['letter-copy', 'letter.zh-CN'],
    ] as const) {
      const a = await render(kind, fixture(name));
      const b = await render(kind, fixture(name));
      expect(Buffer.from(a.pdf).equals(Buffer.from(b.pdf))).toBe(true);
    }
  });

  it('the metadata dates come from the data', async () => {
    const { file } = await render('certificate', fixture('certificate.household'));
    const info = pdfInfo(file, true);
    expect(info['Title']).toBe('户籍证明 HJZM-2026-440304-000123');
    // Issued on 2026-11-29 in China (UTC+8): midnight there.
    expect(info['CreationDate']).toBe('2026-11-28T16:00:00Z');
    expect(info['ModDate']).toBe('2026-11-28T16:00:00Z');
  });
});
