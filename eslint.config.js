import js from '@eslint/js'
import reactHooks from 'eslint-plugin-react-hooks'
import globals from 'globals'
import tseslint from 'typescript-eslint'

const noRouteImports = (extra, message) => [
  'error',
  { patterns: [{ group: ['~/routes/*', '../routes/*', ...extra], message }] },
]

export default tseslint.config(
  {
    ignores: [
      'build/',
      'server-build/',
      'public/build/',
      'app/generated/',
      'node_modules/',
      'data/',
      'tests/.tmp/',
      'test-results/',
      'playwright-report/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'warn',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  {
    // Dependencies point one way: routes -> components, app/server.
    files: ['app/components/**/*.{ts,tsx}', 'app/shared/**/*.ts'],
    rules: { 'no-restricted-imports': noRouteImports([], 'Components must not import routes.') },
  },
  {
    files: ['app/server/**/*.ts'],
    ignores: ['app/server/**/*.test.ts'],
    rules: {
      'no-restricted-imports': noRouteImports(
        ['~/components/*', '../components/*'],
        'app/server must not import routes or components.',
      ),
    },
  },
)
