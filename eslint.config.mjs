import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      '**/dist/',
      'coverage/',
      'bench/results/',
      // The HTML API reference `npm run docs` writes.
      'docs/reference/',
      // Stryker's reports and its sandbox copy of the project.
      'reports/',
      '.stryker-tmp/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        __dirname: 'readonly',
        require: 'readonly',
        module: 'writable',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // The web UI renders every value from the API as text: no markup from strings, ever.
    files: ['packages/dashboard-ui/src/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-syntax': ['error', ...markupFromStrings()],
      'no-eval': 'error',
      'no-implied-eval': 'error',
      'no-new-func': 'error',
    },
  },
);

/** Ways of turning a string into markup in the browser, each with what to do instead. */
function markupFromStrings() {
  const instead = 'render values as text through JSX (Preact escapes them)';
  return [
    {
      selector: "JSXAttribute[name.name='dangerouslySetInnerHTML']",
      message: `dangerouslySetInnerHTML is forbidden in the UI: ${instead}.`,
    },
    {
      selector: "Property[key.name='dangerouslySetInnerHTML']",
      message: `dangerouslySetInnerHTML is forbidden in the UI: ${instead}.`,
    },
    {
      selector: 'MemberExpression[property.name=/^(innerHTML|outerHTML)$/]',
      message: `innerHTML and outerHTML are forbidden in the UI: ${instead}.`,
    },
    {
      selector: "CallExpression[callee.property.name='insertAdjacentHTML']",
      message: `insertAdjacentHTML is forbidden in the UI: ${instead}.`,
    },
    {
      selector:
        "CallExpression[callee.object.name='document'][callee.property.name=/^write(ln)?$/]",
      message: `document.write is forbidden in the UI: ${instead}.`,
    },
    {
      selector: "CallExpression[callee.property.name='createContextualFragment']",
      message: `createContextualFragment is forbidden in the UI: ${instead}.`,
    },
  ];
}
