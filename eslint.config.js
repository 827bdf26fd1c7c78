// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';

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

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'dist/**',
      'release/**',
      'test-results/**',
      'playwright-report/**',
      '.tmp/**',
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
              // The catalog's schema and rules and the face policy and model configuration are pure and shared on
              // purpose (see main/services/catalog/rules.ts, main/services/face/policy.ts and photo.ts).
              regex:
                '(^|/)(drivers|main/core|main/store)/|(^|/)main/services/(?!(catalog/(rules|schema)|face/(policy|photo|human-config))\\.js$)',
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
