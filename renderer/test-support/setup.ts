import { cleanup, configure } from '@testing-library/react';
import { afterEach } from 'vitest';

// happy-dom loads no fonts and has no FontFaceSet: the first-screen report (api/startup.ts) waits for
// `document.fonts.ready`, which here is at once.
if (!('fonts' in document)) {
  Object.defineProperty(document, 'fonts', { value: { ready: Promise.resolve() }, configurable: true });
}

// Without Vitest's globals, Testing Library cannot unmount by itself: every test starts on an empty page.
afterEach(cleanup);

// Screens after the attract screen load on demand (visit/screens.ts): their first import is transformed on the
// spot, which on a loaded 2-core machine takes seconds. Waits still have a deadline.
configure({ asyncUtilTimeout: 10_000 });
