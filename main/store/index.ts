/** The kiosk's local store: sqlite3 with migrations, encryption of personal data, and small repositories. */
export { Database } from './database.js';
export type { DatabaseOptions, RunResult, SqlExecutor, SqlParams, SqlRow, SqlValue } from './database.js';
export { StoreError, SchemaTooNewError, MissingKeyError, toStoreError } from './errors.js';
export type { StoreErrorKind } from './errors.js';
export { Sealer, DATA_KEY_BYTES } from './crypto.js';
export { FileKeyProvider, SealedKeyProvider } from './keys.js';
export type { GetDataKeyOptions, KeyProvider, KeySealer } from './keys.js';
export { migrate, migrations, latestSchemaVersion, currentSchemaVersion } from './migrations.js';
export type { Migration } from './migrations.js';
export {
  resolveDataDir,
  APP_DIR_NAME,
  secureDataDir,
  checkStorage,
  minFreeBytesFromEnv,
  DEFAULT_MIN_FREE_BYTES,
} from './data-dir.js';
export type { StorageProbe, StorageState, StoreLog } from './data-dir.js';
export { openStore, DATABASE_FILE } from './store.js';
export type { KioskStore, OpenStoreOptions } from './store.js';
export * from './repositories.js';
