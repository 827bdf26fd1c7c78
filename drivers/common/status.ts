import type { RecoveryHint } from './result.js';

/**
 * The status every device facade reports (UnifiedPOS / XFS inspired):
 * - `online`: opened and answering;
 * - `offline`: opened but not answering (or reporting itself offline);
 * - `no-device`: the port or device node is absent (unplugged, not configured);
 * - `busy`: an exchange is in progress;
 * - `error`: a condition that needs action, with a stable code and a recovery hint.
 */
export type DeviceStatus = (
  | { readonly state: 'online' }
  | { readonly state: 'offline'; readonly reason?: string }
  | { readonly state: 'no-device'; readonly reason?: string }
  | { readonly state: 'busy' }
  | {
      readonly state: 'error';
      readonly code: string;
      readonly recovery: RecoveryHint;
      readonly message?: string;
    }
) & {
  /**
   * Something a technician should know about a device that still works, as a stable code (e.g. the printer's
   * `status-fixed-bits`: its status replies leave the protocol's fixed bits unset).
   */
  readonly warning?: string;
};

/** The kinds of peripheral the kiosk knows (the cameras by role: the renderer opens them, see main/core/cameras.ts). */
export type DeviceKind = 'id-card' | 'printer' | 'scanner' | CameraKind;
/** The camera roles as device kinds. */
export type CameraKind = 'citizen-camera' | 'document-camera';
