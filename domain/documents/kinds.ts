/** The printable document kinds (kept apart from the renderer so listing them loads no PDF code). */
export const documentKinds = ['receipt-80mm', 'receipt-a4', 'certificate', 'letter-copy'] as const;
/** One of {@link documentKinds}. */
export type DocumentKind = (typeof documentKinds)[number];
