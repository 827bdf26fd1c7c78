import { maskIdNumber } from '../../../drivers/id-card/id-number.js';
import { VendorPhotoDecoder, type PhotoDecoder } from '../../../drivers/id-card/photo.js';
import type { CatalogService } from '../../services/catalog/catalog-service.js';
import { faceThresholdsFromEnv } from '../../services/face/config.js';
import { DEFAULT_FACE_THRESHOLDS } from '../../services/face/policy.js';
import { receiptRecorder } from '../../services/session/progress-lookup.js';
import { VisitService } from '../../services/session/visit-service.js';
import type { TransactionService } from '../../services/transactions/transactions.js';
import type { Catalog, KioskInfo } from '../../services/views.js';
import type { KioskStore } from '../../store/index.js';
import type { DeviceSet } from '../devices.js';
import type { Logger } from '../log.js';
import { createVisitCompletion } from '../visit-completion.js';
import type { Emit } from './devices.js';

/**
 * The visit service with what it needs: the card photo decoder, the face thresholds, the storage check, the
 * receipt printer and the completion. Between visits (`onEnded`) a staged catalog may take over and a device a
 * technician assigned is put in place.
 */
export function createKioskVisits(deps: {
  readonly env: NodeJS.ProcessEnv;
  readonly store: KioskStore;
  readonly transactions: TransactionService;
  readonly devices: DeviceSet;
  readonly catalogs: CatalogService;
  readonly currentCatalog: () => Catalog;
  readonly withdrawIfExpired: () => void;
  /** The technician tools (created after the visits; called only when a visit ends). */
  readonly tools: { afterVisit(): Promise<void> };
  readonly emit: Emit;
  readonly log: Logger;
  readonly kioskId: string;
  readonly kioskName: KioskInfo['kioskName'];
  readonly progressBaseUrl: string;
}): VisitService {
  const { env, store, transactions, devices, catalogs, currentCatalog, withdrawIfExpired, tools, emit, log } =
    deps;
  const { kioskId, progressBaseUrl } = deps;
  const staticInfo = { kioskName: deps.kioskName };
  // Card photos: the simulated reader's own decoder, else the vendor library named by BOOTH_WLT_DECODER.
  const photoDecoder: PhotoDecoder | null =
    devices.photoDecoder ??
    (process.env.BOOTH_WLT_DECODER
      ? new VendorPhotoDecoder({ libraryPath: process.env.BOOTH_WLT_DECODER })
      : null);
  // The face check: the core decides from the renderer's score with these thresholds (never the renderer's).
  let faceThresholds = DEFAULT_FACE_THRESHOLDS;
  try {
    faceThresholds = faceThresholdsFromEnv(env);
  } catch (error) {
    log.warn('face.thresholds-invalid', { reason: error instanceof Error ? error.message : 'invalid' });
  }
  const visits = new VisitService({
    catalog: currentCatalog,
    faceThresholds,
    // Before any form is typed: a kiosk that cannot save says so up front (nothing is lost).
    checkStorage: () => store.checkStorage(),
    maskIdNumber,
    // A card left on the reader (by the last visit, or placed long before this one) is read again.
    rescanCard: () => devices.idCard.rescan?.(),
    ...(photoDecoder
      ? {
          decodePhoto: async (wlt: Uint8Array) => {
            const r = await photoDecoder.decode(wlt);
            if (!r.ok) log.warn('idcard.photo-undecoded', { code: r.error.code });
            return r.ok ? r.value.bmp : null;
          },
        }
      : {}),
    onChange: (visit) => emit('visit.changed', visit),
    onEnded: (reason) => {
      log.info('visit.ended', { reason });
      // Between visits is the only time a staged catalog may take over, or an expired one be withdrawn, and
      // a device a technician assigned during the visit is put in place.
      void catalogs.applyStagedIfIdle().then(() => withdrawIfExpired());
      void tools.afterVisit().catch((error: unknown) =>
        log.error('devices.assign-failed', {
          message: error instanceof Error ? error.message : String(error),
        }),
      );
    },
    complete: createVisitCompletion({
      transactions,
      printer: {
        print: (bytes) => devices.printer.print(bytes),
        // Read at each receipt: a technician may have assigned a printer of another width.
        get profile() {
          return devices.printer.profile;
        },
      },
      catalogVersion: () => catalogs.current()?.version ?? null,
      demonstration: () => currentCatalog().demonstration,
      kioskId,
      kioskName: staticInfo.kioskName,
      progressBaseUrl,
      recordReceipt: receiptRecorder(store),
      log,
    }),
  });
  return visits;
}
