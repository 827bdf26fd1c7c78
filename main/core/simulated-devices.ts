import type { DeviceStatus } from '../../drivers/common/status.js';
import {
  createSimulatedIdCardReader,
  getIdCardFixture,
  listIdCardFixtures,
} from '../../drivers/id-card/index.js';
import { createSimulatedPrinter } from '../../drivers/printer/index.js';
import { createSimulatedScanner } from '../../drivers/scanner/index.js';
import type { PaperState } from '../services/views.js';
import type { DeviceSet, PrinterStatusSource } from './devices.js';

/**
 * The kiosk's peripherals, simulated honestly: each is the production driver facade talking its real protocol
 * over an in-memory pipe to a device simulator. The simulation panel, `npm start` and the tests drive the
 * simulators; the core sees exactly what it would see from hardware.
 */
export function createSimulatedDevices(): DeviceSet {
  // A simulated card stays on the reader until the panel removes it (a real reader halts a read card instead).
  const idCard = createSimulatedIdCardReader({ simulator: { haltAfterRead: false } });
  const scanner = createSimulatedScanner();
  // Poll the printer while idle so a paper-out shows before the next citizen needs a receipt.
  const printer = createSimulatedPrinter({ printer: { monitorIntervalMs: 1000 } });
  const printerSource: PrinterStatusSource = {
    get status(): DeviceStatus {
      return printer.printer.status;
    },
    profile: printer.printer.profile,
    start: () => printer.printer.start(),
    stop: () => printer.printer.stop(),
    on: (event, listener) => printer.printer.on(event, listener),
    print: (job) => printer.printer.print(job),
    get paperLow(): boolean {
      return printer.printer.condition?.paperNearEnd ?? false;
    },
    get condition() {
      return printer.printer.condition;
    },
    onCondition: (listener) => printer.printer.on('condition', () => listener()),
  };
  const paperScenario: Record<PaperState, Parameters<typeof printer.simulator.setScenario>[0]> = {
    ok: 'ok',
    'near-end': 'paper-near-end',
    out: 'paper-out',
  };
  return {
    idCard: idCard.reader,
    scanner: scanner.scanner,
    printer: printerSource,
    photoDecoder: idCard.photoDecoder,
    connections: { 'id-card': 'simulated', printer: 'simulated', scanner: 'simulated' },
    simulation: {
      fixtures: () =>
        listIdCardFixtures().map(({ id, fixture }) => ({
          id,
          label: `${fixture.labelZh} · ${fixture.label}`,
          cardType: fixture.identity.cardType,
        })),
      placeCard: (fixtureId) => {
        if (!getIdCardFixture(fixtureId)) return false;
        idCard.simulator.placeCard(fixtureId as Parameters<typeof idCard.simulator.placeCard>[0]);
        return true;
      },
      removeCard: () => idCard.simulator.removeCard(),
      setPaper: (state) => printer.simulator.setScenario(paperScenario[state]),
      scan: (text) => scanner.simulator.scan(text),
    },
    async start() {
      await Promise.all([idCard.reader.start(), scanner.scanner.start(), printerSource.start()]);
    },
    async stop() {
      await Promise.all([idCard.close(), scanner.close(), printer.close()]);
    },
  };
}
