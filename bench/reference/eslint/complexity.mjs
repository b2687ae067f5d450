// Lints the files named on the command line with ESLint's `complexity` rule only and prints
// {"eslint": "<version>", "files": {"<path>": [<ESLint message>...]}} for bench/reference/run-eslint.
// Uses the Linter class on each file's text, so no config lookup and no ignore files apply.
// .js/.cjs/.jsx: espree, CommonJS script; .mjs: espree module;
// .ts/.mts/.tsx: @typescript-eslint/parser, module; .cts: @typescript-eslint/parser, script.
import { readFileSync } from 'node:fs';
import { Linter } from 'eslint';
import tsParser from '@typescript-eslint/parser';

// ["error", 0], not {max: 0}: the object form reads 0 as "unset" and falls back to 20.
const rules = { complexity: ['error', 0] };
const linterOptions = { noInlineConfig: true, reportUnusedDisableDirectives: 'off' };

function configFor(file) {
  const ext = file.slice(file.lastIndexOf('.')).toLowerCase();
  const ts = ['.ts', '.mts', '.cts', '.tsx'].includes(ext);
  const script = ['.js', '.cjs', '.jsx', '.cts'].includes(ext);
  const jsx = ext === '.jsx' || ext === '.tsx';
  const languageOptions = {
    ecmaVersion: 'latest',
    sourceType: script ? 'commonjs' : 'module',
    parserOptions: { ecmaFeatures: { jsx } },
  };
  if (ts) {
    languageOptions.parser = tsParser;
  }
  return { name: `input${ext}`, config: [{ files: [`**/*${ext}`], languageOptions, linterOptions, rules }] };
}

const linter = new Linter();
const out = { eslint: Linter.version, files: {} };
for (const file of process.argv.slice(2)) {
  const { name, config } = configFor(file);
  out.files[file] = linter.verify(readFileSync(file, 'utf8'), config, { filename: name });
}
process.stdout.write(JSON.stringify(out));
