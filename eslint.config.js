import tseslint from 'typescript-eslint';

// Type-aware rules where they catch real bugs (floating promises); the rest stays light.
export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', 'data/**', 'bench/out/**', '**/*.config.*', '**/*.mjs', 'packages/web/public/**'] },
  {
    files: ['**/*.ts', '**/*.tsx'],
    extends: [tseslint.configs.base],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      'no-debugger': 'error',
      'no-eval': 'error',
    },
  },
);
