/**
 * Writes or checks resources/openapi/central-api.yaml:
 *   npx tsx central/openapi-main.ts --write   regenerate it from contract/central-api.ts (formatted with Prettier)
 *   npx tsx central/openapi-main.ts --check   exit 1 when the committed file's content is out of date
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { openApiMatchesCommitted, OPENAPI_PATH, renderOpenApiYaml } from './openapi.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const file = resolve(root, OPENAPI_PATH);
const mode = process.argv[2];

if (mode === '--write') {
  mkdirSync(dirname(file), { recursive: true });
  // Formatted like every other file, so `npm run format` leaves it alone.
  const text = await format(renderOpenApiYaml(), { ...(await resolveConfig(file)), filepath: file });
  writeFileSync(file, text);
  console.log(`wrote ${OPENAPI_PATH}`);
} else if (mode === '--check') {
  let committed = '';
  try {
    committed = readFileSync(file, 'utf8');
  } catch {
    // Missing counts as out of date.
  }
  if (!openApiMatchesCommitted(committed)) {
    console.error(`${OPENAPI_PATH} is out of date: run npx tsx central/openapi-main.ts --write`);
    process.exitCode = 1;
  } else {
    console.log(`${OPENAPI_PATH} is up to date`);
  }
} else {
  console.error('usage: tsx central/openapi-main.ts --write | --check');
  process.exitCode = 2;
}
