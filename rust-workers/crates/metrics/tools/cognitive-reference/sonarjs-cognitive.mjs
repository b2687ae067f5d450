import { Linter } from "eslint";
import sonarjs from "eslint-plugin-sonarjs";
import tsParser from "@typescript-eslint/parser";
import fs from "node:fs";
const linter = new Linter({ configType: "flat" });
const out = {};
for (const file of process.argv.slice(2)) {
  const code = fs.readFileSync(file, "utf8");
  const ts = /\.(ts|tsx|mts|cts)$/.test(file);
  const config = [{
    files: ["**/*"],
    plugins: { sonarjs },
    languageOptions: ts ? { parser: tsParser, sourceType: "module" } : { sourceType: file.endsWith(".mjs") ? "module" : "script", ecmaVersion: "latest" },
    linterOptions: { noInlineConfig: true },
    rules: { "sonarjs/cognitive-complexity": ["error", 0] },
  }];
  const msgs = linter.verify(code, config, { filename: ts ? "x.ts" : file.endsWith(".mjs") ? "x.mjs" : "x.js" });
  out[file] = msgs.filter(m => m.ruleId).map(m => ({ line: m.line, column: m.column, message: m.message }));
  const fatal = msgs.filter(m => !m.ruleId);
  if (fatal.length) out[file].push({ fatal: fatal[0].message });
}
console.log(JSON.stringify(out));
