import { describe, expect, it } from 'vitest';
import { auditText, deviceWords, localTime } from './format.js';

describe('technician words', () => {
  it('says audit entries in words and local time, not codes and UTC ISO strings', () => {
    const at = '2026-11-30T21:05:09.000Z';
    const line = auditText(
      { event: 'technician.login-failed', at, details: { count: 3, level: null } },
      'zh-CN',
    );
    expect(line.text).toBe('维护密码错误 3 次');
    expect(line.time).not.toContain('T21:05');
    expect(line.time).not.toContain('Z');
    expect(line.time).toBe(localTime(at, 'zh-CN'));
    // The same instant as the kiosk's clock shows it, seconds included.
    const local = new Date(at);
    expect(line.time).toContain(String(local.getSeconds()).padStart(2, '0'));
    expect(
      auditText(
        { event: 'device-config.set', at, details: { role: 'printer', device: 'tcp:192.0.2.10:9100' } },
        'en',
      ).text,
    ).toBe('Device setting: printer → tcp:192.0.2.10:9100');
    // An event nobody wrote words for keeps its code rather than a generic error text.
    expect(auditText({ event: 'something.new', at }, 'en').text).toBe('something.new');
  });

  it('says what is wrong with a device and what to do', () => {
    expect(
      deviceWords(
        {
          kind: 'printer',
          connection: 'serial:/dev/ttyUSB0@115200',
          status: { state: 'error', code: 'paper-end', recovery: 'refill-paper' },
        },
        'en',
      ),
    ).toEqual({ state: 'Fault: Out of paper', hint: 'Load a new paper roll' });
    expect(
      deviceWords(
        { kind: 'id-card', connection: 'serial:/dev/ttyUSB1', status: { state: 'no-device' } },
        'zh-CN',
      ).hint,
    ).toMatch(/检查连接线/);
    expect(
      deviceWords({ kind: 'scanner', connection: 'simulated', status: { state: 'online' } }, 'en').hint,
    ).toBeNull();
  });

  it('gives a camera row the camera hint its reason names', () => {
    const camera = (state: 'no-device' | 'offline', reason: string) =>
      deviceWords({ kind: 'citizen-camera', connection: 'Front', status: { state, reason } }, 'zh-CN');
    expect(camera('no-device', 'missing')).toEqual({
      state: '未连接',
      hint: '未找到指定的摄像头：请检查 USB 连接线，或在“摄像头”中重新指定',
    });
    expect(camera('offline', 'no-permission').hint).toMatch(/摄像头测试/);
    expect(
      deviceWords(
        {
          kind: 'document-camera',
          connection: 'not configured',
          status: { state: 'no-device', reason: 'not configured' },
        },
        'en',
      ).hint,
    ).toBe('Not assigned: assign one under Cameras');
  });
});
