/**
 * Interface texts of the visit's navigation, forms and elder mode (step indicator, Back, date picker, error
 * summary, character count, reading aloud), in the kiosk's three languages. Kept apart from messages.ts so that
 * file's tables only spread these in; every table here has the same keys (checked by messages-visit.test.ts).
 */

/** Texts written the same in Simplified and Traditional Chinese (dates, months, list punctuation). */
const sameInBothScripts = {
  'step.position': '第 {n} 步，共 {total} 步',
  'step.complete': '（已完成）',
  'form.errorItem': '{field}：{message}',
  'date.format': '{year}年{month}月{day}日',
  'date.year': '年份',
  'date.month': '月份',
  'date.day': '日',
  'date.yearButton': '{year}年',
  'date.monthButton': '{month}月',
  'date.earlier': '更早的年份',
  'date.later': '更晚的年份',
  'date.today': '今天',
  'date.clear': '清除日期',
  'date.close': '收起',
  'date.month.1': '1月',
  'date.month.2': '2月',
  'date.month.3': '3月',
  'date.month.4': '4月',
  'date.month.5': '5月',
  'date.month.6': '6月',
  'date.month.7': '7月',
  'date.month.8': '8月',
  'date.month.9': '9月',
  'date.month.10': '10月',
  'date.month.11': '11月',
  'date.month.12': '12月',
} as const;

const zhCN = {
  ...sameInBothScripts,
  'step.label': '办理步骤',
  'step.choose': '选择业务',
  'step.identify': '读取证件',
  'step.confirm': '核对信息',
  'step.form': '填写信息',
  'step.done': '完成',
  'identify.keptCard': '已读取证件：{name}（{number}）。可继续使用此证件，或放置另一张证件。',
  'identify.useKept': '使用此证件继续',
  'form.errorSummary': '请修改标红的项目后再提交（共 {count} 项）：',
  'form.charCount': '已输入 {count} 字，最多 {max} 字',
  'date.choose': '请选择日期',
  'date.pickDay': '请选择{year}年{month}月的哪一天',
  'speech.controls': '语音朗读',
  'speech.repeat': '再读一遍',
  'speech.stop': '停止朗读',
  'idle.bodyCalm':
    '如需更多时间，请点“继续办理”。约 {minutes} 分钟内没有操作，将返回首页并清除本次办理的信息。',
  'choose.page': '第 {page} 页，共 {pages} 页',
  'choose.prevPage': '上一页',
  'choose.nextPage': '更多业务',
} as const;

/** A message key of the visit's navigation and forms. */
export type VisitMessageKey = keyof typeof zhCN;
type VisitMessages = Readonly<Record<VisitMessageKey, string>>;

const zhHK: VisitMessages = {
  ...sameInBothScripts,
  'step.label': '辦理步驟',
  'step.choose': '選擇業務',
  'step.identify': '讀取證件',
  'step.confirm': '核對資料',
  'step.form': '填寫資料',
  'step.done': '完成',
  'identify.keptCard': '已讀取證件：{name}（{number}）。可繼續使用此證件，或放置另一張證件。',
  'identify.useKept': '使用此證件繼續',
  'form.errorSummary': '請修改標紅的項目後再提交（共 {count} 項）：',
  'form.charCount': '已輸入 {count} 字，最多 {max} 字',
  'date.choose': '請選擇日期',
  'date.pickDay': '請選擇{year}年{month}月的哪一天',
  'speech.controls': '語音朗讀',
  'speech.repeat': '再讀一遍',
  'speech.stop': '停止朗讀',
  'idle.bodyCalm':
    '如需更多時間，請按「繼續辦理」。約 {minutes} 分鐘內沒有操作，將返回首頁並清除今次辦理的資料。',
  'choose.page': '第 {page} 頁，共 {pages} 頁',
  'choose.prevPage': '上一頁',
  'choose.nextPage': '更多業務',
};

const en: VisitMessages = {
  'step.label': 'Steps',
  'step.choose': 'Choose',
  'step.identify': 'ID card',
  'step.confirm': 'Check',
  'step.form': 'Details',
  'step.done': 'Done',
  'step.position': 'Step {n} of {total}',
  'step.complete': ' (done)',
  'identify.keptCard':
    'Card already read: {name} ({number}). Continue with this card, or place another card.',
  'identify.useKept': 'Continue with this card',
  'form.errorSummary': 'Please correct these {count} items and submit again:',
  'form.errorItem': '{field}: {message}',
  'form.charCount': '{count} of {max} characters typed',
  'date.choose': 'Choose a date',
  'date.format': '{day} {monthName} {year}',
  'date.year': 'Year',
  'date.month': 'Month',
  'date.day': 'Day',
  'date.yearButton': '{year}',
  'date.monthButton': '{monthName}',
  'date.earlier': 'Earlier years',
  'date.later': 'Later years',
  'date.today': 'Today',
  'date.clear': 'Clear the date',
  'date.close': 'Close',
  'date.pickDay': 'Choose the day in {monthName} {year}',
  'date.month.1': 'January',
  'date.month.2': 'February',
  'date.month.3': 'March',
  'date.month.4': 'April',
  'date.month.5': 'May',
  'date.month.6': 'June',
  'date.month.7': 'July',
  'date.month.8': 'August',
  'date.month.9': 'September',
  'date.month.10': 'October',
  'date.month.11': 'November',
  'date.month.12': 'December',
  'speech.controls': 'Reading aloud',
  'speech.repeat': 'Read again',
  'speech.stop': 'Stop reading',
  'idle.bodyCalm':
    'If you need more time, tap "Continue". If nothing is touched for about {minutes} min, the booth returns to the start and clears this visit.',
  'choose.page': 'Page {page} of {pages}',
  'choose.prevPage': 'Previous page',
  'choose.nextPage': 'More services',
};

/** The visit's navigation and form texts, per language. */
export const VISIT_MESSAGES = { 'zh-CN': zhCN, 'zh-HK': zhHK, en } as const;
