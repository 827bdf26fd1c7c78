/** Sync with the central API: the uploader (outbox → batches), retry policy, heartbeat and sync state. */
export * from './clock.js';
export * from './retry-schedule.js';
export * from './outbox.js';
export * from './uploader.js';
export * from './heartbeat.js';
export * from './kiosk-sync.js';
export * from './command-centre.js';
