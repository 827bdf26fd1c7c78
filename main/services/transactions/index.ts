/** Completed transactions: transactional outbox, human numbers, sealed personal data and its purge. */
export * from './transactions.js';
export * from './numbers.js';
export * from './fictional.js';
