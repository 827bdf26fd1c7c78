/**
 * The camera roles on the running core. Cameras are browser devices: the renderer lists them
 * (`enumerateDevices`, again on every `devicechange`) and reports the list here; the core matches each role's
 * setting against it and says, with the other device rows, whether the assigned camera is there. The face check
 * asks for the settings at the start of every check, so an assignment is taken up by the next visit without a
 * restart. Device ids and labels name hardware, never a person.
 */
import type { DeviceStatus } from '../../drivers/common/status.js';
import { TypedEmitter } from '../../drivers/common/emitter.js';
import type {
  CameraReportView,
  CameraSelectorView,
  DeviceStatusView,
  FaceSettingsView,
} from '../services/views.js';
import {
  CAMERA_ROLES,
  CAMERA_STORE_ROLE,
  formatCameraSpec,
  type CameraRole,
  type CameraSpec,
  type ResolvedCamera,
} from './device-config.js';

/** One camera as the renderer's browser lists it. */
export type ReportedCamera = CameraReportView['cameras'][number];
/** The renderer's camera list. */
export type CameraReport = CameraReportView;

/** Why a camera row is not online (the `reason` of its status). */
export const CAMERA_REASONS = {
  /** No renderer has listed the cameras yet. */
  notReported: 'not-reported',
  /** Ids and labels are hidden until the page is granted the camera. */
  noPermission: 'no-permission',
  /** The assigned camera (or, unassigned, any camera) is not in the list. */
  missing: 'missing',
  /** The document camera is not assigned: nothing uses one. */
  notConfigured: 'not configured',
} as const;

/** Whether a camera is the one a setting names: the id, else (the id changed) the label. */
export function cameraMatches(spec: CameraSpec, camera: ReportedCamera): boolean {
  if (spec.kind === 'camera-id') {
    if (camera.deviceId === spec.deviceId) return true;
    return spec.label !== undefined && camera.label.toLowerCase() === spec.label.toLowerCase();
  }
  return camera.label.toLowerCase().includes(spec.label.toLowerCase());
}

/** What the renderer is told to open for a setting (null: the first camera found). */
export function cameraSelector(spec: CameraSpec | null): CameraSelectorView | null {
  if (spec === null) return null;
  return spec.kind === 'camera-id'
    ? { deviceId: spec.deviceId, label: spec.label ?? null }
    : { deviceId: null, label: spec.label };
}

/**
 * A camera row's connection, short enough for the device table: the camera's label when it is there, else the
 * label it was assigned by (a browser device id is 64 hex digits: only its start is shown).
 */
function connectionText(spec: CameraSpec | null, found: ReportedCamera | null): string {
  if (spec === null) return found?.label ? `first camera: ${found.label}` : 'first camera';
  if (found?.label) return found.label;
  if (spec.kind === 'camera-label') return formatCameraSpec(spec);
  return spec.label ?? `id:${spec.deviceId.length > 12 ? `${spec.deviceId.slice(0, 12)}…` : spec.deviceId}`;
}

/** The camera roles' settings, their live status, and a `changed` event per role whose row changed. */
export class CameraRoles {
  /** Fires with the new row of a role whose status or connection changed. */
  readonly events = new TypedEmitter<{ changed: DeviceStatusView }>();
  private readonly specs: Record<CameraRole, CameraSpec | null>;
  private readonly problems: Partial<Record<CameraRole, string>> = {};
  private report: CameraReport | null = null;

  constructor(resolved: Readonly<Record<CameraRole, ResolvedCamera>>) {
    this.specs = { citizenCamera: resolved.citizenCamera.spec, documentCamera: resolved.documentCamera.spec };
    for (const role of CAMERA_ROLES) {
      const error = resolved[role].error;
      if (error) this.problems[role] = error;
    }
  }

  /** What the face check opens. */
  faceSettings(): FaceSettingsView {
    return {
      citizenCamera: cameraSelector(this.specs.citizenCamera),
      documentCamera: cameraSelector(this.specs.documentCamera),
    };
  }

  /** The setting in force for a role. */
  spec(role: CameraRole): CameraSpec | null {
    return this.specs[role];
  }

  /** Puts a new setting in force (a technician's assignment); the row follows at once. */
  set(role: CameraRole, spec: CameraSpec | null): void {
    this.update(() => {
      this.specs[role] = spec;
      delete this.problems[role];
    });
  }

  /** Takes the renderer's camera list (sent at start and on every `devicechange`). */
  reported(report: CameraReport): void {
    this.update(() => {
      this.report = report;
    });
  }

  /** Both camera rows, as the device list shows them. */
  statuses(): DeviceStatusView[] {
    return CAMERA_ROLES.map((role) => this.row(role));
  }

  private update(change: () => void): void {
    const before = this.statuses().map((row) => JSON.stringify(row));
    change();
    this.statuses().forEach((row, i) => {
      if (JSON.stringify(row) !== before[i]) this.events.emit('changed', row);
    });
  }

  private row(role: CameraRole): DeviceStatusView {
    const kind = CAMERA_STORE_ROLE[role];
    const spec = this.specs[role];
    const problem = this.problems[role];
    if (problem)
      return {
        kind,
        status: {
          state: 'error',
          code: 'device-misconfigured',
          recovery: 'check-configuration',
          message: problem,
        },
        connection: 'invalid configuration',
      };
    // Nothing uses a document camera that was never assigned; an unassigned citizen camera is the first one.
    if (spec === null && role === 'documentCamera')
      return {
        kind,
        status: { state: 'no-device', reason: CAMERA_REASONS.notConfigured },
        connection: 'not configured',
      };
    const status = this.presence(spec);
    const found = status.state === 'online' ? this.found(spec) : null;
    return { kind, status, connection: connectionText(spec, found) };
  }

  private found(spec: CameraSpec | null): ReportedCamera | null {
    const cameras = this.report?.cameras ?? [];
    return (spec === null ? cameras[0] : cameras.find((c) => cameraMatches(spec, c))) ?? null;
  }

  private presence(spec: CameraSpec | null): DeviceStatus {
    const report = this.report;
    if (!report) return { state: 'offline', reason: CAMERA_REASONS.notReported };
    if (report.cameras.length === 0) return { state: 'no-device', reason: CAMERA_REASONS.missing };
    // Before the camera was granted, the browser hides ids and labels: there is a camera, but which one?
    if (spec !== null && !report.labelsKnown)
      return { state: 'offline', reason: CAMERA_REASONS.noPermission };
    return this.found(spec) ? { state: 'online' } : { state: 'no-device', reason: CAMERA_REASONS.missing };
  }
}
