import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { catalogRejectionReasons, type CatalogRejectionReason } from '../../../contract/catalog/signing.js';

/** Where a catalog came from: the central API, a USB file, the shipped default, or this kiosk's own store. */
export type CatalogSource = 'central' | 'file' | 'default' | 'stored';

/** A refused catalog, kept for technicians (and reported to the central system). No personal data. */
export interface CatalogRejection {
  readonly version?: number;
  readonly reason: CatalogRejectionReason;
  /** One line saying what was wrong. */
  readonly message: string;
  readonly source: CatalogSource;
  /** ISO date-time. */
  readonly at: string;
}

/**
 * Persistence of the kiosk's catalogs. Documents are stored signed, exactly as received, so they are
 * re-verified when loaded: a file edited on disk is refused like any other forged catalog.
 */
export interface CatalogStore {
  loadApplied(): Promise<unknown>;
  saveApplied(doc: unknown): Promise<void>;
  loadStaged(): Promise<unknown>;
  /** `null` clears the staged catalog. */
  saveStaged(doc: unknown): Promise<void>;
  recordRejection(rejection: CatalogRejection): Promise<void>;
  lastRejection(): Promise<CatalogRejection | null>;
  /**
   * The rollback floor: the highest catalog version ever applied here. Kept apart from the applied file, so
   * deleting or corrupting that file cannot reopen the door to an older (withdrawn) catalog.
   */
  loadFloor(): Promise<CatalogFloor | null>;
  saveFloor(floor: CatalogFloor): Promise<void>;
}

/** The rollback floor: the highest version applied, and the SHA-256 of that catalog's canonical JSON. */
export interface CatalogFloor {
  readonly version: number;
  /** Lets the very same catalog be applied again after its file was lost (hex). */
  readonly digest: string;
}

const floorSchema = z.strictObject({
  version: z.number().int().positive(),
  digest: z.string().regex(/^[0-9a-f]{64}$/),
  at: z.string(),
});

const rejectionSchema = z.object({
  version: z.number().int().optional(),
  reason: z.enum(catalogRejectionReasons),
  message: z.string().max(2000),
  source: z.enum(['central', 'file', 'default', 'stored']),
  at: z.string(),
});

/**
 * Writes a file atomically: a temporary file in the same folder, fsync, rename over the target, fsync the
 * folder — so a power cut leaves either the old or the new content, never half of one.
 */
export async function writeFileAtomic(file: string, content: string): Promise<void> {
  const dir = path.dirname(file);
  await mkdir(dir, { recursive: true });
  const temp = path.join(dir, `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temp, 'w', 0o600);
  try {
    await handle.writeFile(content, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  // Persist the rename itself; not every platform lets a directory be opened, so this is best effort.
  try {
    const dirHandle = await open(dir, 'r');
    try {
      await dirHandle.sync();
    } finally {
      await dirHandle.close();
    }
  } catch {
    // Windows cannot fsync a directory; the rename is still atomic there.
  }
}

async function readJsonOrNull(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // A corrupt file is handed over as text: verification then refuses it as malformed, visibly.
    return text;
  }
}

/** The file names the file store uses under `<dataDir>/catalog/`. */
export const catalogStoreFiles = {
  applied: 'applied.signed.json',
  staged: 'staged.signed.json',
  lastRejection: 'last-rejection.json',
} as const;

/** The rollback floor's file, under `<dataDir>/state/` — deliberately not beside the catalogs. */
export const CATALOG_FLOOR_FILE = path.join('state', 'catalog-floor.json');

/** A {@link CatalogStore} on plain files under `<dataDir>/catalog/`, written atomically. */
export class FileCatalogStore implements CatalogStore {
  /** The folder holding the files. */
  readonly dir: string;
  private readonly floorFile: string;

  constructor(dataDir: string) {
    this.dir = path.join(dataDir, 'catalog');
    this.floorFile = path.join(dataDir, CATALOG_FLOOR_FILE);
  }

  private file(name: keyof typeof catalogStoreFiles): string {
    return path.join(this.dir, catalogStoreFiles[name]);
  }

  loadApplied(): Promise<unknown> {
    return readJsonOrNull(this.file('applied'));
  }

  saveApplied(doc: unknown): Promise<void> {
    return writeFileAtomic(this.file('applied'), JSON.stringify(doc));
  }

  loadStaged(): Promise<unknown> {
    return readJsonOrNull(this.file('staged'));
  }

  async saveStaged(doc: unknown): Promise<void> {
    if (doc === null) await rm(this.file('staged'), { force: true });
    else await writeFileAtomic(this.file('staged'), JSON.stringify(doc));
  }

  recordRejection(rejection: CatalogRejection): Promise<void> {
    return writeFileAtomic(this.file('lastRejection'), JSON.stringify(rejection, null, 2));
  }

  async lastRejection(): Promise<CatalogRejection | null> {
    const raw = await readJsonOrNull(this.file('lastRejection'));
    if (raw === null) return null;
    const parsed = rejectionSchema.safeParse(raw);
    return parsed.success ? parsed.data : null;
  }

  /** A missing floor is none; a damaged one is an error (the service then trusts no older catalog). */
  async loadFloor(): Promise<CatalogFloor | null> {
    const raw = await readJsonOrNull(this.floorFile);
    if (raw === null) return null;
    const parsed = floorSchema.safeParse(raw);
    if (!parsed.success) throw new Error(`the catalog rollback floor ${this.floorFile} is damaged`);
    return { version: parsed.data.version, digest: parsed.data.digest };
  }

  saveFloor(floor: CatalogFloor): Promise<void> {
    return writeFileAtomic(this.floorFile, JSON.stringify({ ...floor, at: new Date().toISOString() }));
  }
}

/** A {@link CatalogStore} in memory (tests, and the benchmark). */
export class MemoryCatalogStore implements CatalogStore {
  applied: unknown = null;
  staged: unknown = null;
  rejection: CatalogRejection | null = null;

  async loadApplied(): Promise<unknown> {
    return this.applied;
  }
  async saveApplied(doc: unknown): Promise<void> {
    this.applied = doc;
  }
  async loadStaged(): Promise<unknown> {
    return this.staged;
  }
  async saveStaged(doc: unknown): Promise<void> {
    this.staged = doc;
  }
  async recordRejection(rejection: CatalogRejection): Promise<void> {
    this.rejection = rejection;
  }
  async lastRejection(): Promise<CatalogRejection | null> {
    return this.rejection;
  }
  floor: CatalogFloor | null = null;
  async loadFloor(): Promise<CatalogFloor | null> {
    return this.floor;
  }
  async saveFloor(floor: CatalogFloor): Promise<void> {
    this.floor = floor;
  }
}
