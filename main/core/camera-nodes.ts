/**
 * Cameras as Linux lists them, for `booth devices list`: the V4L2 capture nodes under /sys/class/video4linux
 * with the name the driver gives (the name the browser shows, with ` (vvvv:pppp)` after it for a USB camera) and
 * the USB vendor and product ids. The kiosk itself never opens these nodes: cameras are opened by the renderer's
 * browser, and a camera role names the camera by the browser's device id or label (main/core/cameras.ts).
 */
import { readdir, readFile, realpath } from 'node:fs/promises';
import path from 'node:path';

/** One V4L2 capture node. */
export interface CameraNode {
  readonly kind: 'camera';
  /** `/dev/video0` */
  readonly path: string;
  /** `vvvv:pppp` in hex, or null (not a USB camera). */
  readonly vidPid: string | null;
  /** The driver's name for it (`USB2.0 HD UVC WebCam`), or null when sysfs has none. */
  readonly product: string | null;
  /** The label the kiosk's browser is expected to show: the name, then ` (vvvv:pppp)` for a USB camera. */
  readonly label: string | null;
}

/** The default sysfs class folder of V4L2 devices. */
export const VIDEO4LINUX_CLASS = '/sys/class/video4linux';

async function readText(file: string): Promise<string | null> {
  try {
    const text = (await readFile(file, 'utf8')).trim();
    return text === '' ? null : text;
  } catch {
    // A sysfs attribute a camera does not have is simply not shown.
    return null;
  }
}

/**
 * Lists the capture nodes. A UVC camera also makes a metadata node (index 1 and up); those are left out, so
 * each camera is listed once. A machine without V4L2 (no folder) has no camera: an empty list. Other errors
 * (the folder cannot be read) throw.
 */
export async function listCameraNodes(root: string = VIDEO4LINUX_CLASS): Promise<CameraNode[]> {
  let names: string[];
  try {
    names = await readdir(root);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const nodes: CameraNode[] = [];
  const sorted = names
    .filter((n) => /^video\d+$/.test(n))
    .sort((a, b) => Number(a.slice(5)) - Number(b.slice(5)));
  for (const name of sorted) {
    const dir = path.join(root, name);
    const index = await readText(path.join(dir, 'index'));
    if (index !== null && index !== '0') continue;
    const product = await readText(path.join(dir, 'name'));
    // `device` links to the USB interface; the USB device, one folder up, holds the ids.
    const usb = await realpath(path.join(dir, 'device'))
      .then((iface) => path.dirname(iface))
      // A camera without a USB parent (built in, virtual) has no vendor/product ids.
      .catch(() => null);
    const vendor = usb ? await readText(path.join(usb, 'idVendor')) : null;
    const productId = usb ? await readText(path.join(usb, 'idProduct')) : null;
    const vidPid = vendor && productId ? `${vendor.toLowerCase()}:${productId.toLowerCase()}` : null;
    nodes.push({
      kind: 'camera',
      path: `/dev/${name}`,
      vidPid,
      product,
      label: product ? (vidPid ? `${product} (${vidPid})` : product) : null,
    });
  }
  return nodes;
}
