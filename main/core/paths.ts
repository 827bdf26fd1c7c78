import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The app's resources folder (fonts, default catalog, keys, OpenAPI contract). `BOOTH_RESOURCES_DIR` overrides;
 * otherwise the nearest `resources/` above this file — true in the source tree and in the bundled app, where
 * the packager copies resources next to the bundle.
 */
export function resourcesDir(env: Readonly<Record<string, string | undefined>> = process.env): string {
  if (env.BOOTH_RESOURCES_DIR) return path.resolve(env.BOOTH_RESOURCES_DIR);
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(dir, 'resources');
    if (existsSync(path.join(candidate, 'catalog'))) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('cannot find the resources folder; set BOOTH_RESOURCES_DIR');
    dir = parent;
  }
}

/** The project root (where package.json and the built renderer live) — the parent of resources/. */
export function appRootDir(env: Readonly<Record<string, string | undefined>> = process.env): string {
  return path.dirname(resourcesDir(env));
}
