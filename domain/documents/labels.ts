import type { Locale } from './receipt-data.js';

/** The fixed label texts of every printable document, in one display language. */
export interface DocumentLabels {
  readonly receiptTitle: string;
  readonly kiosk: string;
  readonly transactionNumber: string;
  readonly completedAt: string;
  readonly citizen: string;
  readonly name: string;
  readonly idNumber: string;
  readonly phone: string;
  readonly services: string;
  readonly status: string;
  readonly promise: string;
  readonly fee: string;
  readonly reference: string;
  readonly total: string;
  readonly scanForProgress: string;
  readonly demonstration: string;
  readonly certificateTitles: {
    readonly 'household-registration': string;
    readonly 'no-criminal-record': string;
  };
  readonly documentNumber: string;
  readonly holder: string;
  readonly issuingUnit: string;
  readonly issueDate: string;
  readonly scanToVerify: string;
  readonly seal: string;
  readonly letterTitle: string;
  readonly trackingNumber: string;
  readonly letterKind: string;
  readonly letterKinds: {
    readonly consultation: string;
    readonly help: string;
    readonly complaint: string;
    readonly suggestion: string;
  };
  readonly subject: string;
  readonly body: string;
  readonly submittedAt: string;
  readonly anonymous: string;
  readonly promisesTitle: string;
  /** Signed for within 10 minutes, answered within 30 minutes, first feedback within 48 hours. */
  readonly promises: readonly [string, string, string];
  readonly trackingHint: string;
  readonly page: (n: number, of: number) => string;
}

const zhCN: DocumentLabels = {
  receiptTitle: '业务办理回执',
  kiosk: '办理地点',
  transactionNumber: '业务流水号',
  completedAt: '办理时间',
  citizen: '申请人',
  name: '姓名',
  idNumber: '证件号码',
  phone: '联系电话',
  services: '办理事项',
  status: '状态',
  promise: '服务承诺',
  fee: '费用',
  reference: '编号',
  total: '合计',
  scanForProgress: '扫码查询办理进度、下载电子回执',
  demonstration: '演示 DEMONSTRATION',
  certificateTitles: { 'household-registration': '户籍证明', 'no-criminal-record': '无犯罪记录证明' },
  documentNumber: '证明编号',
  holder: '持证人',
  issuingUnit: '出具单位',
  issueDate: '出具日期',
  scanToVerify: '扫码核验本证明真伪',
  seal: '（印章）',
  letterTitle: '局长信箱 来信副本',
  trackingNumber: '查询编号',
  letterKind: '来信类型',
  letterKinds: { consultation: '咨询', help: '求助', complaint: '投诉', suggestion: '建议' },
  subject: '主题',
  body: '来信内容',
  submittedAt: '提交时间',
  anonymous: '匿名',
  promisesTitle: '服务承诺',
  promises: ['10 分钟内签收', '30 分钟内答复', '48 小时内首次反馈'],
  trackingHint: '凭查询编号可在自助警务舱或网上查询办理情况',
  page: (n, of) => `第 ${n} 页 / 共 ${of} 页`,
};

const zhHK: DocumentLabels = {
  receiptTitle: '業務辦理回執',
  kiosk: '辦理地點',
  transactionNumber: '業務流水號',
  completedAt: '辦理時間',
  citizen: '申請人',
  name: '姓名',
  idNumber: '證件號碼',
  phone: '聯絡電話',
  services: '辦理事項',
  status: '狀態',
  promise: '服務承諾',
  fee: '費用',
  reference: '編號',
  total: '合計',
  scanForProgress: '掃碼查詢辦理進度、下載電子回執',
  demonstration: '演示 DEMONSTRATION',
  certificateTitles: { 'household-registration': '戶籍證明', 'no-criminal-record': '無犯罪記錄證明' },
  documentNumber: '證明編號',
  holder: '持證人',
  issuingUnit: '出具單位',
  issueDate: '出具日期',
  scanToVerify: '掃碼核驗本證明真偽',
  seal: '（印章）',
  letterTitle: '局長信箱 來信副本',
  trackingNumber: '查詢編號',
  letterKind: '來信類型',
  letterKinds: { consultation: '諮詢', help: '求助', complaint: '投訴', suggestion: '建議' },
  subject: '主題',
  body: '來信內容',
  submittedAt: '提交時間',
  anonymous: '匿名',
  promisesTitle: '服務承諾',
  promises: ['10 分鐘內簽收', '30 分鐘內答覆', '48 小時內首次回饋'],
  trackingHint: '憑查詢編號可在自助警務艙或網上查詢辦理情況',
  page: (n, of) => `第 ${n} 頁 / 共 ${of} 頁`,
};

const en: DocumentLabels = {
  receiptTitle: 'Service Receipt',
  kiosk: 'Location',
  transactionNumber: 'Transaction No.',
  completedAt: 'Completed',
  citizen: 'Applicant',
  name: 'Name',
  idNumber: 'ID No.',
  phone: 'Phone',
  services: 'Services',
  status: 'Status',
  promise: 'Promise',
  fee: 'Fee',
  reference: 'Ref.',
  total: 'Total',
  scanForProgress: 'Scan to check progress and download this receipt',
  demonstration: '演示 DEMONSTRATION',
  certificateTitles: {
    'household-registration': 'Household Registration Certificate',
    'no-criminal-record': 'Certificate of No Criminal Record',
  },
  documentNumber: 'Certificate No.',
  holder: 'Holder',
  issuingUnit: 'Issued by',
  issueDate: 'Date of issue',
  scanToVerify: 'Scan to verify this certificate',
  seal: '(Seal)',
  letterTitle: "Chief's Mailbox — Copy of Letter",
  trackingNumber: 'Tracking No.',
  letterKind: 'Kind',
  letterKinds: {
    consultation: 'Consultation',
    help: 'Request for help',
    complaint: 'Complaint',
    suggestion: 'Suggestion',
  },
  subject: 'Subject',
  body: 'Letter',
  submittedAt: 'Submitted',
  anonymous: 'Anonymous',
  promisesTitle: 'Our promise',
  promises: ['Signed for within 10 minutes', 'Answered within 30 minutes', 'First feedback within 48 hours'],
  trackingHint: 'Quote the tracking number at any police booth or online to follow your letter',
  page: (n, of) => `Page ${n} of ${of}`,
};

/** Label dictionaries by display language. */
export const documentLabels: Readonly<Record<Locale, DocumentLabels>> = { 'zh-CN': zhCN, 'zh-HK': zhHK, en };

/** Every fixed text (so the font subset is sure to cover them). */
export function allLabelTexts(): string[] {
  const out: string[] = [];
  const walk = (value: unknown): void => {
    if (typeof value === 'string') out.push(value);
    else if (typeof value === 'function') out.push(String((value as (a: number, b: number) => string)(1, 2)));
    else if (value && typeof value === 'object') Object.values(value).forEach(walk);
  };
  walk(documentLabels);
  return out;
}
