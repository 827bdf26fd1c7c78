/**
 * The critical modules under mutation testing: the files Stryker mutates and the unit tests that must kill the
 * mutants. Only fast unit tests are listed (no end-to-end, no PostgreSQL, no subprocess-heavy integration
 * tests), so one module runs in minutes on a shared 2-core machine.
 */
export const MUTATION_MODULES = {
  // The SAM codec in two parts (the frame codec, the text block decoder), so that each run stays short.
  'sam-codec': {
    mutate: ['drivers/id-card/codec.ts'],
    tests: ['drivers/id-card/codec.test.ts'],
  },
  'sam-text-block': {
    mutate: ['drivers/id-card/text-block.ts'],
    tests: ['drivers/id-card/text-block.test.ts', 'drivers/id-card/codec.test.ts'],
  },
  'id-number': {
    mutate: ['drivers/id-card/id-number.ts'],
    tests: ['drivers/id-card/id-number.test.ts', 'drivers/id-card/text-block.test.ts'],
  },
  'escpos-encoder': {
    mutate: ['drivers/printer/encoder.ts'],
    tests: ['drivers/printer/encoder.test.ts'],
  },
  'printer-status': {
    mutate: ['drivers/printer/status.ts'],
    tests: ['drivers/printer/status.test.ts'],
  },
  // Its own unit tests only: the uploader's tests also read the outbox, but each one waits on sqlite and real
  // time, so a mutant of a query every test touches would cost minutes (one mutant a minute when measured).
  'sync-outbox': {
    mutate: ['main/services/sync/outbox.ts'],
    tests: ['main/services/sync/outbox.test.ts'],
  },
  'sync-uploader': {
    mutate: ['main/services/sync/uploader.ts'],
    tests: ['main/services/sync/uploader.test.ts'],
  },
  'catalog-signing': {
    mutate: ['contract/catalog/signing.ts'],
    tests: ['contract/catalog/signing.test.ts'],
  },
  'technician-auth': {
    mutate: ['main/services/technician/technician-auth.ts'],
    tests: ['main/services/technician/technician-auth.test.ts'],
  },
  'progress-link': {
    mutate: ['contract/progress-link.ts'],
    tests: ['contract/progress-link.test.ts', 'central/progress-page.test.ts'],
  },
};
