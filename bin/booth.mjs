#!/usr/bin/env node
// The `booth` technician/administrator CLI. From the source tree it runs the TypeScript sources through tsx's
// loader; where they are not (an installed build), or with BOOTH_CLI_COMPILED=1, it runs the compiled
// dist/cli/booth.js (`npm run build:main`). A packaged kiosk runs `<app binary> --booth ARGS` instead
// (resources/bin/booth), since its native modules are built for Electron's Node.
import { existsSync } from 'node:fs';

const sources = new URL('../main/cli/booth-process.ts', import.meta.url);
const compiled = new URL('../dist/cli/booth.js', import.meta.url);
let run;
if (process.env.BOOTH_CLI_COMPILED !== '1' && existsSync(sources)) {
  const { register } = await import('tsx/esm/api');
  register();
  ({ runBoothProcess: run } = await import(sources.href));
} else if (existsSync(compiled)) {
  ({ runBoothProcess: run } = await import(compiled.href));
} else {
  process.stderr.write('booth: dist/cli/booth.js is missing; run npm run build:main\n');
  process.exit(1);
}
process.exitCode = await run(process.argv.slice(2));
