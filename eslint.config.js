// Correctness rules only for now (no style, no formatting): ESLint's and typescript-eslint's
// recommended sets without type information (fast on 2 cores), minus rules about taste.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/generated/**', '**/.data/**', '**/dist/**', '.turbo/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // Taste, not correctness: a deliberate `any` or non-null assertion is reviewed, not linted.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      // Unused code is knip's job (exports, files, dependencies); locals named `_x` are deliberate.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Our control-character regexes are deliberate (input hygiene, ANSI stripping).
      'no-control-regex': 'off',
    },
  },
  {
    // Plain JavaScript run by Node: TypeScript does not check these, so name Node's globals.
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly' } },
  },
);
