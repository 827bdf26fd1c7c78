import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { addConsoleUser } from '../../central/console-auth.js';
import { openCentralDb } from '../../central/db.js';
import { startCentralServer, type CentralServer } from '../../central/server.js';
import { urgentBoardSchema } from '../../central/urgent-schemas.js';
import { channelPair } from '../../main/api/channel.js';
import type { KioskApiTable } from '../../main/api/kiosk-api.js';
import { createRpcClient } from '../../main/api/rpc-client.js';
import type { KioskEvents, VisitView } from '../../main/services/views.js';
import { startKioskCore, type KioskCore } from '../../main/core/kiosk-core.js';
import { silentLogger } from '../../main/core/log.js';
import { MISSING_PERSON_FORM } from '../../main/services/session/visit-test-support.js';
import { nextEvent, type KioskClient } from '../support/kiosk-client.js';

/**
 * The kiosk learns the command centre's acknowledgement of a missing-person report: the central system storing
 * it turns the end screen to "received, waiting for the command centre" (never "acknowledged"); a duty officer
 * acknowledging it on the console turns it to acknowledged, by itself, while the screen shows.
 */

const PASSWORD = 'officer password long enough';
let core: KioskCore | null = null;
let central: CentralServer | null = null;
const dirs: string[] = [];

afterEach(async () => {
  await core?.close();
  core = null;
  await central?.close();
  central = null;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

/** The first visit view `pred` accepts, or a rejection naming what never came. */
function nextVisit(
  client: KioskClient,
  pred: (v: VisitView | null) => boolean,
  what: string,
): Promise<VisitView | null> {
  return nextEvent(client, 'visit.changed', pred, what);
}

/** Signs the officer in to the console and acknowledges the only open urgent report. */
async function officerAcknowledges(server: CentralServer): Promise<void> {
  const signIn = await fetch(`${server.url}/console/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: server.url },
    body: JSON.stringify({ name: 'officer-li', password: PASSWORD }),
    signal: AbortSignal.timeout(10_000),
  });
  const { csrfToken } = (await signIn.json()) as { csrfToken: string };
  const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const board = urgentBoardSchema.parse(
    await (
      await fetch(`${server.url}/console/api/urgent`, {
        headers: { cookie },
        signal: AbortSignal.timeout(10_000),
      })
    ).json(),
  );
  expect(board.open).toHaveLength(1);
  const res = await fetch(`${server.url}/console/api/urgent-acknowledge`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: server.url, cookie, 'x-csrf-token': csrfToken },
    body: JSON.stringify({ id: board.open[0]?.id }),
    signal: AbortSignal.timeout(10_000),
  });
  expect(res.status).toBe(200);
}

describe('the command centre’s acknowledgement at the kiosk', () => {
  it('turns the end screen from received-and-waiting to acknowledged once a duty officer acknowledges the report', async () => {
    const centralDir = tempDir('booth-urgent-central-');
    central = await startCentralServer({
      port: 0,
      dataDir: centralDir,
      kioskTokens: { 'urgent-kiosk': 'urgent-token' },
      adminToken: 'urgent-admin',
    });
    const db = await openCentralDb(path.join(centralDir, 'central.sqlite'));
    await addConsoleUser(db, { name: 'officer-li', role: 'duty-officer', password: PASSWORD });
    await db.close();

    core = await startKioskCore({
      dataDir: tempDir('booth-urgent-kiosk-'),
      mode: 'demonstration',
      host: 'browser',
      log: silentLogger,
      centralUrl: central.url,
      centralToken: 'urgent-token',
      kioskId: 'urgent-kiosk',
      commandCentrePollMs: 200,
    });
    const [coreEnd, rendererEnd] = channelPair();
    core.connect(coreEnd);
    const client: KioskClient = createRpcClient<KioskApiTable, KioskEvents>(rendererEnd);
    const { api } = client;

    await api['visit.start']({ serviceIds: ['missing-person'] });
    const confirmed = nextVisit(client, (v) => v?.step === 'confirm', 'the card read');
    await api['sim.placeCard']({ fixture: 'resident' });
    await confirmed;
    await api['visit.proceed']();
    const received = nextVisit(client, (v) => v?.result?.delivery === 'acknowledged', 'stored centrally');
    const done = await api['visit.submit']({
      locale: 'zh-CN',
      forms: { 'missing-person': MISSING_PERSON_FORM },
    });
    expect(done).toMatchObject({ ok: true, value: { result: { urgent: true } } });
    // Stored by the central system: received, but no officer yet — and Finish still asks about 110.
    expect((await received)?.result).toMatchObject({ commandCentreAcknowledgedAt: null });
    expect(await api['visit.finish']()).toMatchObject({
      ok: false,
      error: { code: 'urgent-not-acknowledged' },
    });

    const acknowledged = nextVisit(
      client,
      (v) => v?.result?.commandCentreAcknowledgedAt != null,
      'the command centre acknowledging',
    );
    await officerAcknowledges(central);
    const view = await acknowledged;
    expect(Date.parse(view?.result?.commandCentreAcknowledgedAt ?? '')).not.toBeNaN();
    expect(view?.result).toMatchObject({ delivery: 'acknowledged', urgent: true });
    expect(await api['visit.finish']()).toEqual({ ok: true, value: null });
  }, 60_000);
});
