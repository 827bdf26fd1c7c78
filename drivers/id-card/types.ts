import type { DeviceError } from '../common/result.js';
import type { DeviceStatus } from '../common/status.js';

/** The card types the SAM text block can hold (the character at byte 248). */
export type CardType = 'resident' | 'hmt-permit' | 'foreigner' | 'foreigner-2023';

/** Sex as printed on the card; codes 0 and 9 exist besides 1 and 2. */
export type Sex = 'male' | 'female' | 'unknown' | 'unspecified';

/**
 * A decoded card. Personal data: never log it, mask `idNumber` on screen and paper.
 * Dates are ISO `YYYY-MM-DD`; `validTo` is null for 长期 (no expiry).
 */
export interface IdCardData {
  readonly cardType: CardType;
  /** Chinese name (English name on old foreigner cards when there is no Chinese name). */
  readonly name: string;
  readonly englishName: string | null;
  readonly sex: Sex;
  readonly birthDate: string | null;
  /** The 18-digit ID number (resident, J, Y) or the permit number (I). */
  readonly idNumber: string;
  /** Whether the MOD 11-2 check digit is right (always false for numbers that are not 18-digit IDs). */
  readonly idNumberValid: boolean;
  readonly ethnicity: string | null;
  readonly address: string | null;
  readonly issuer: string | null;
  readonly validFrom: string | null;
  readonly validTo: string | null;
  readonly nationality: string | null;
  readonly passNumber: string | null;
  readonly issueCount: number | null;
  /** The raw 1024-byte WLT photo; decode it through a PhotoDecoder. */
  readonly photoWlt: Uint8Array;
  readonly fingerprint: Uint8Array | null;
}

/** Events an ID card reader facade emits. */
export interface IdCardReaderEvents extends Record<string, unknown> {
  status: DeviceStatus;
  'card-present': undefined;
  'card-read': IdCardData;
  'card-removed': undefined;
  /** A card was seen but could not be read (bad frame, SAM error, unknown card type): typed, no personal data. */
  'read-error': DeviceError;
}

/** What the kiosk core needs of an ID card reader, whatever its transport. */
export interface IdCardReader {
  readonly status: DeviceStatus;
  /** Opens the port and starts polling (find → select → read). Never rejects: failures become status. */
  start(): Promise<void>;
  /** Stops polling and closes the port. */
  stop(): Promise<void>;
  /**
   * Reads the card in the field again at the next poll, although it was read already (a new visit wants the
   * card still lying on the reader). A reader that cannot (a card halted after its read) does nothing.
   */
  rescan?(): void;
  on<K extends keyof IdCardReaderEvents>(
    event: K,
    listener: (payload: IdCardReaderEvents[K]) => void,
  ): () => void;
}
