/** Barcode/QR scanners: HID POS, serial and keyboard wedge (the wedge classifier lives in renderer/scanner). */
export type { CodeKind, ScanSource, ScannedCode, Scanner, ScannerEvents } from './types.js';
export {
  MAX_CODE_LENGTH,
  classifyCode,
  formatAppointmentCode,
  isAppointmentCode,
  isTransactionNumber,
  luhnCheckDigit,
  sanitizeScannedText,
  type Classification,
  type ClassifyOptions,
} from './classify.js';
export {
  AIM_IDENTIFIER_LENGTH,
  aimIdentifierFor,
  parseAimIdentifier,
  splitAimPrefix,
  type AimIdentifier,
} from './symbology.js';
export {
  SCANNER_ENCODINGS,
  decodePayload,
  type DecodedPayload,
  type PayloadEncoding,
  type ScannerEncoding,
} from './encoding.js';
export {
  GS,
  GS1_SYMBOLOGIES,
  formatGs1,
  gs1Date,
  gs1ElementsOf,
  parseGs1ElementString,
  toGs1ElementString,
  type Gs1Element,
  type Gs1Parse,
} from './gs1.js';
export { TransportScanner, statusForTransportError, type ScannerFacadeOptions } from './base.js';
export { LineFramer, type LineFrame } from './line-framer.js';
export { SerialScanner, type SerialScannerOptions } from './serial-scanner.js';
export {
  COMMON_HID_POS_LAYOUT,
  HID_POS_LAYOUTS,
  HidPosAssembler,
  HidPosScanner,
  parseHidPosReport,
  type HidPosAssembly,
  type HidPosAssemblerOptions,
  type HidPosLayout,
  type HidPosParse,
  type HidPosReport,
  type HidPosScannerOptions,
} from './hid-pos.js';
export {
  SerialScannerSimulator,
  createSimulatedScanner,
  encodePayload,
  hidReportsFor,
  type HidReportOptions,
  type LineTerminator,
  type ScannerSimulationControls,
  type SerialScanOptions,
  type SimulatedScanner,
  type SimulatedScannerOptions,
} from './simulator.js';
export { humanKeystrokes, scannerKeystrokes, type SimulatedKey } from './wedge-simulator.js';
