// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * Layers (docs/architecture.md): functions/ → shared/app only; nothing the Functions load reaches
 * the emulator or the CLI; rules are pure. Each entry is one layer's rule; test/infra/lint-layers
 * proves each one fails on a forbidden import.
 */
export const LAYERS = [
  {
    files: ['functions/**/*.ts'],
    patterns: [
      {
        group: ['../shared/*', '!../shared/app', '../shared/app/*/**'],
        message: 'functions/ are thin triggers: import only shared/app/* (the use cases and the runtime).',
      },
      { group: ['**/emulator', '**/emulator/**'], message: 'the Functions must never load the emulator.' },
    ],
  },
  {
    files: ['shared/**/*.ts'],
    ignores: ['shared/cli/**'],
    patterns: [
      {
        group: ['**/emulator', '**/emulator/**'],
        message:
          'only the CLI (shared/cli) may attach the emulator; everything else is loaded by the Functions.',
      },
      { group: ['**/cli', '**/cli/**'], message: 'shared/cli is an entry point: nothing else imports it.' },
    ],
  },
  {
    // (A later entry replaces an earlier one for the files both match: this one repeats the emulator.)
    files: ['shared/rules/**/*.ts', 'shared/model/**/*.ts'],
    patterns: [
      {
        group: [
          'node:*',
          '!node:crypto',
          'fs',
          'http',
          'https',
          '@azure/*',
          '@microsoft/*',
          '**/inventory/*',
          '**/azure/*',
          '**/storage/*',
          '**/app/*',
          '**/notify/*',
          '**/findings/*',
          '**/events/*',
          '**/cli/*',
          '**/emulator/**',
        ],
        allowTypeImports: true,
        message: 'rules and the model are pure: baseline × live state × now → findings, no I/O.',
      },
    ],
  },
];

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'out/**',
      'node_modules/**',
      'bin/**',
      'coverage/**',
      'reports/**',
      '.stryker-tmp/**',
      'test/output/**',
      '.deploy/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['examples/**/*.js', 'test/fixtures/**/*.js', 'test/support/**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        require: 'readonly',
        __dirname: 'readonly',
        console: 'readonly',
        process: 'readonly',
        Buffer: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // The azd hooks and other plain Node scripts (ES modules, no build step).
    files: ['infra/**/*.mjs'],
    languageOptions: {
      sourceType: 'module',
      globals: { console: 'readonly', process: 'readonly', setTimeout: 'readonly', URL: 'readonly' },
    },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  ...LAYERS.map(({ files, ignores, patterns }) => ({
    files,
    ...(ignores ? { ignores } : {}),
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns }] },
  })),
);
