/**
 * The resident ID card reader driver (SAM protocol over serial): codec, card decoding, photo decoder port,
 * fixtures, reader facade and simulator.
 */
import { MemoryTransport } from '../transport/memory.js';
import { SimulatedPhotoDecoder } from './photo.js';
import type { SamIdCardReaderOptions } from './reader.js';
import { SamIdCardReader } from './reader.js';
import type { IdCardSimulatorOptions } from './simulator.js';
import { IdCardSimulator } from './simulator.js';

export * from './types.js';
export * from './codec.js';
export * from './id-number.js';
export * from './text-block.js';
export * from './photo.js';
export * from './fixtures.js';
export * from './reader.js';
export * from './timing.js';
export * from './simulator.js';

/** Options for {@link createSimulatedIdCardReader}. */
export interface SimulatedIdCardReaderOptions {
  readonly reader?: Omit<SamIdCardReaderOptions, 'transport'>;
  readonly simulator?: IdCardSimulatorOptions;
}

/** A reader facade wired to a simulator over an in-memory pipe. */
export interface SimulatedIdCardReader {
  /** The real facade; call `start()` to begin polling. */
  readonly reader: SamIdCardReader;
  /** The device side: placeCard(), removeCard(), fault injection. Already answering. */
  readonly simulator: IdCardSimulator;
  /** Decodes the photos of simulated cards. */
  readonly photoDecoder: SimulatedPhotoDecoder;
  /** Stops the reader and the simulator. */
  close(): Promise<void>;
}

/**
 * Builds a simulated reader: the production facade on one end of `MemoryTransport.pair()`, the simulator on
 * the other. The simulator is answering on return; the caller starts the reader.
 */
export function createSimulatedIdCardReader(
  options: SimulatedIdCardReaderOptions = {},
): SimulatedIdCardReader {
  const [host, device] = MemoryTransport.pair('idcard');
  const simulator = new IdCardSimulator(device, options.simulator);
  // MemoryTransport opens synchronously inside open(), so the simulator listens before anyone writes.
  simulator.start().catch(() => undefined);
  const reader = new SamIdCardReader({ ...options.reader, transport: host });
  return {
    reader,
    simulator,
    photoDecoder: new SimulatedPhotoDecoder(),
    async close(): Promise<void> {
      await reader.stop();
      await simulator.stop();
    },
  };
}
