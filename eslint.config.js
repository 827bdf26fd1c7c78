// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';
import { importBoundaries } from './scripts/eslint-import-boundaries.js';

const nodeBuiltins = [
  'fs',
  'fs/promises',
  'path',
  'os',
  'child_process',
  'net',
  'http',
  'https',
  'crypto',
  'stream',
  'worker_threads',
  'module',
  'url',
  'util',
  'events',
  'buffer',
  'process',
  'tls',
  'dgram',
  'zlib',
  'readline',
];

/**
 * Which way imports point between the top-level parts (docs/ARCHITECTURE.md, "Dependencies"). Each zone: files in
 * `from` must not import `disallow`, but for the files listed in `allow` (known exceptions, each documented there).
 */
export const importZones = [
  {
    from: ['main', 'renderer', 'drivers'],
    disallow: ['central', 'compose'],
    message:
      'the kiosk and the central server share only contract/ and domain/; the demonstration joins them in compose/ (see docs/ARCHITECTURE.md).',
  },
  {
    from: ['central'],
    disallow: ['main', 'renderer', 'compose'],
    message:
      'the central server shares only contract/ and domain/ with the kiosk (see docs/ARCHITECTURE.md).',
  },
  {
    from: ['contract'],
    disallow: ['main', 'central', 'domain', 'drivers', 'renderer', 'compose'],
    message: 'contract/ is the leaf both sides import; it imports neither.',
  },
  {
    from: ['domain'],
    disallow: ['main', 'central', 'drivers', 'renderer', 'compose'],
    message: 'domain/ is shared by the kiosk and the central server; it imports only contract/.',
  },
  {
    from: ['drivers'],
    disallow: ['main', 'renderer'],
    message: 'drivers know nothing of the app.',
  },
  {
    from: ['main/services', 'main/store'],
    disallow: ['main/api', 'main/core', 'main/electron', 'main/browser-host', 'main/cli'],
    // The logger's type (and the store's default logger) only.
    allow: ['main/core/log'],
    message: 'services and the store never import the layers built on them; the API layer adapts services.',
  },
];

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'dist/**',
      'release/**',
      'test-results/**',
      'playwright-report/**',
      '.tmp/**',
      // Stryker's sandbox copies of the tree and its reports (npm run mutation).
      '.stryker-tmp/**',
      'reports/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/explicit-module-boundary-types': 'error',
      '@typescript-eslint/no-non-null-assertion': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'electron', message: "Only main/electron may import 'electron'." }] },
      ],
    },
  },
  {
    // Tests and benches may import both sides; build tooling (Vite configs) is not app code.
    files: ['**/*.ts', '**/*.tsx'],
    ignores: ['**/*.test.ts', '**/*.test.tsx', 'test/**', 'bench/**', '**/vite.config.ts'],
    plugins: { booth: { rules: { 'import-boundaries': importBoundaries } } },
    rules: { 'booth/import-boundaries': ['error', { zones: importZones }] },
  },
  {
    // The functions that start the kiosk core and the central server, and the screens' roots, were split along
    // their seams (docs/ARCHITECTURE.md, "Long functions"); this keeps each of them, and each seam, readable alone.
    files: [
      'main/core/kiosk-core.ts',
      'main/core/wiring/*.ts',
      'central/server.ts',
      'renderer/App.tsx',
      'renderer/technician/TechnicianScreen.tsx',
      'central/console-app/App.tsx',
    ],
    ignores: ['**/*.test.ts', '**/*.test.tsx'],
    rules: { 'max-lines-per-function': ['error', { max: 100, skipBlankLines: false, skipComments: false }] },
  },
  {
    // Tests may use non-null assertions and looser boundaries.
    files: ['**/*.test.ts', '**/*.test.tsx', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/explicit-module-boundary-types': 'off',
    },
  },
  {
    // The face memory benchmark's page (bench/face-renderer.bench.ts builds it) runs in Chromium.
    files: ['bench/face-page/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['main/electron/**/*.ts', 'main/electron/**/*.cts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    // The web console's browser app (its Vite config runs under Node).
    files: ['central/console-app/**/*.ts', 'central/console-app/**/*.tsx'],
    ignores: ['central/console-app/vite.config.ts'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: { ...reactHooks.configs.recommended.rules },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    // The Vite config is build tooling that runs under Node, not renderer code.
    ignores: ['renderer/vite.config.ts'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'electron', message: 'The renderer never touches Electron.' },
            ...nodeBuiltins.map((name) => ({ name, message: 'The renderer never touches Node.' })),
          ],
          patterns: [
            { group: ['node:*'], message: 'The renderer never touches Node.' },
            {
              // The catalog's rules and the face policy and model configuration are pure and shared on purpose (see
              // main/services/catalog/rules.ts, main/services/face/policy.ts and photo.ts); the catalog's schema is
              // in contract/catalog.
              regex:
                '(^|/)(drivers|main/core|main/store)/|(^|/)main/services/(?!(catalog/rules|face/(policy|photo|human-config))\\.js$)',
              message: 'The renderer reaches the core only through the KioskApi client.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['drivers/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'electron', message: 'Drivers know nothing of Electron.' },
            { name: 'react', message: 'Drivers know nothing of the UI.' },
          ],
          patterns: [
            { group: ['**/main/**', '**/renderer/**'], message: 'Drivers know nothing of the app.' },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: { globals: { ...globals.node } },
    rules: { '@typescript-eslint/explicit-module-boundary-types': 'off' },
  },
);
