/**
 * The console's texts: every label in Chinese (zh-CN) first, with its English beside it (the console is used
 * by officers and by the vendor's technicians alike). The characters here are the ones the console's font
 * subset carries (scripts/fonts/console-fonts.ts reads this folder's sources).
 */
export const TEXTS = {
  title: ['智慧警务舱 控制台', 'Smart Police Booth console'],
  signInTitle: ['登录', 'Sign in'],
  userName: ['用户名', 'User name'],
  password: ['密码', 'Password'],
  signIn: ['登录', 'Sign in'],
  signOut: ['退出登录', 'Sign out'],
  badCredentials: ['用户名或密码错误', 'Wrong name or password'],
  rateLimited: ['尝试次数过多，请稍后再试', 'Too many attempts; try again later'],
  failed: ['请求失败', 'The request failed'],
  fleet: ['终端状态', 'Fleet'],
  audit: ['审计日志', 'Audit trail'],
  administrator: ['管理员', 'Administrator'],
  dutyOfficer: ['值班民警', 'Duty officer'],
  filter: ['按终端编号前缀筛选', 'Filter by kiosk id prefix'],
  kiosk: ['终端', 'Kiosk'],
  lastHeartbeat: ['最后心跳', 'Last heartbeat'],
  appVersion: ['软件版本', 'App version'],
  catalogVersion: ['目录版本', 'Catalog version'],
  outbox: ['待上传', 'Outbox backlog'],
  faults: ['设备故障', 'Device faults'],
  mode: ['模式', 'Mode'],
  demonstration: ['演示', 'Demonstration'],
  production: ['正式', 'Production'],
  unknown: ['未知', 'Unknown'],
  never: ['从未联系', 'Never'],
  stale: ['失联', 'Stale'],
  none: ['无', 'None'],
  secondsAgo: ['秒前', 's ago'],
  minutesAgo: ['分钟前', 'min ago'],
  hoursAgo: ['小时前', 'h ago'],
  kiosksShown: ['台终端', 'kiosks'],
  staleCount: ['台失联', 'stale'],
  time: ['时间', 'Time'],
  user: ['用户', 'User'],
  action: ['操作', 'Action'],
  outcome: ['结果', 'Outcome'],
  detail: ['说明', 'Detail'],
  ok: ['成功', 'OK'],
  refused: ['拒绝', 'Refused'],
  loading: ['加载中', 'Loading'],
  noKiosks: ['没有终端', 'No kiosks'],
} as const satisfies Record<string, readonly [string, string]>;

/** A text's key. */
export type TextKey = keyof typeof TEXTS;
