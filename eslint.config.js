// `npm run lint`: what the compiler cannot see. A promise nobody awaits fails silently (an unawaited database write,
// an activity whose failure no one hears of), and workflow code is replayed for months, so it may import only what
// is deterministic: Temporal's workflow API, the domain's plain functions, the config's search-attribute names and
// other workflow files (activities as types only). The type checker itself runs as `npm run typecheck`.
import tseslint from 'typescript-eslint';

const workflowImports = {
  regex: '^(?!@temporalio/(workflow|common)$|\\./[\\w.-]+$|\\.\\./domain/|\\.\\./config/temporal$)',
  allowTypeImports: true,
  message: 'Workflow code is replayed deterministically for months: import only @temporalio/workflow, domain/ and other workflow files (activities as `import type`).',
};

export default tseslint.config(
  { ignores: ['node_modules/', '.tools/', '.data/', 'test/.artifacts/', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  {
    files: ['**/*.ts'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@typescript-eslint': tseslint.plugin },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [workflowImports] }] },
  },
  {
    // The case's rules and words, which the web bundle imports as they are: other domain files only.
    files: ['domain/caseRules.ts', 'domain/caseActions.ts', 'domain/caseTiming.ts', 'domain/reminders.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^(?!\\./)', message: 'The web bundle imports this file: it may import only other domain files.' }] },
      ],
    },
  },
);
