import { describe, expect, it } from 'vitest';
import type { Logger } from '../log.js';
import type { Provisioning } from '../provisioning.js';
import { centralSettings, DEV_KIOSK_TOKEN } from './settings.js';

/** Which central system, token and progress link base a kiosk uses, from options, enrolment and environment. */
function recordingLog(): { log: Logger; events: string[] } {
  const events: string[] = [];
  const record = (event: string): void => {
    events.push(event);
  };
  return { log: { info: record, warn: record, error: record }, events };
}

const enrolment: Provisioning = {
  schemaVersion: 1,
  centralUrl: 'https://central.enrolled.example',
  kioskId: 'K-ENROLLED',
  token: 'enrolled-token-0123456789',
  kioskGroups: [],
  progressBaseUrl: 'https://progress.enrolled.example',
  provisionedAt: '2026-11-29T08:00:00+08:00',
};

describe('centralSettings', () => {
  it("takes the host's options over the enrolment, and the enrolment over the environment", () => {
    const { log } = recordingLog();
    const env = { BOOTH_CENTRAL_TOKEN: 'env-token', BOOTH_PUBLIC_URL: 'https://public.env.example' };
    const fromOptions = centralSettings({
      options: {
        dataDir: '/x',
        centralUrl: 'https://central.options.example',
        centralToken: 'options-token',
      },
      provisioning: enrolment,
      mode: 'production',
      env,
      log,
      kioskId: 'K-1',
    });
    expect(fromOptions.centralUrl).toBe('https://central.options.example');
    expect(fromOptions.centralToken).toBe('options-token');
    // A configured public base comes before the enrolment's.
    expect(fromOptions.progressBaseUrl).toBe('https://public.env.example');
    expect(fromOptions.progressBases).toEqual([
      'https://public.env.example',
      'https://central.options.example',
    ]);
    expect(fromOptions.client).not.toBeNull();

    const fromEnrolment = centralSettings({
      options: { dataDir: '/x' },
      provisioning: enrolment,
      mode: 'production',
      env: { BOOTH_CENTRAL_TOKEN: 'env-token' },
      log,
      kioskId: 'K-1',
    });
    expect(fromEnrolment.centralUrl).toBe('https://central.enrolled.example');
    expect(fromEnrolment.centralToken).toBe('enrolled-token-0123456789');
    expect(fromEnrolment.progressBaseUrl).toBe('https://progress.enrolled.example');
    expect(fromEnrolment.progressLinksLocal).toBe(false);
  });

  it('gives the development token to a demonstration kiosk only; a production kiosk without one has no client', () => {
    const demo = recordingLog();
    const settings = { dataDir: '/x', centralUrl: 'http://127.0.0.1:4000' };
    const demonstration = centralSettings({
      options: settings,
      provisioning: null,
      mode: 'demonstration',
      env: {},
      log: demo.log,
      kioskId: 'K-1',
    });
    expect(demonstration.centralToken).toBe(DEV_KIOSK_TOKEN);
    expect(demonstration.client).not.toBeNull();
    expect(demo.events).toEqual([]);

    const prod = recordingLog();
    const production = centralSettings({
      options: settings,
      provisioning: null,
      mode: 'production',
      env: {},
      log: prod.log,
      kioskId: 'K-1',
    });
    expect(production.centralToken).toBeUndefined();
    expect(production.client).toBeNull();
    // Loopback progress links only work on this machine: a production kiosk says so, and that the token is missing.
    expect(production.progressLinksLocal).toBe(true);
    expect(prod.events).toEqual(['config.progress-links-local', 'central.no-token']);
  });
});
