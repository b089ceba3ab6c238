// Keeps the README's input and output tables equal to action.yml: `node scripts/readme.ts`
// rewrites them, `node scripts/readme.ts --check` fails when they differ.
import { readFileSync, writeFileSync } from 'node:fs';
import { parse } from 'yaml';

interface ActionYaml {
  inputs: Record<string, { description: string; required?: boolean; default?: string }>;
  outputs: Record<string, { description: string }>;
}

const action = parse(readFileSync('action.yml', 'utf8')) as ActionYaml;
const cell = (text: string): string => text.replace(/\s+/g, ' ').trim().replaceAll('|', '\\|');

// Columns padded to their widest cell, as Biome formats Markdown tables, so `npm run lint`
// and `npm run check-readme` agree on the same text.
function table(header: string[], rows: string[][]): string {
  const widths = header.map((_, i) =>
    Math.max(3, ...[header, ...rows].map((row) => (row[i] ?? '').length)),
  );
  const line = (cells: string[]): string =>
    `| ${widths.map((width, i) => (cells[i] ?? '').padEnd(width)).join(' | ')} |`;
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join(
    '\n',
  );
}

const inputs = table(
  ['Input', 'Required', 'Default', 'Description'],
  Object.entries(action.inputs).map(([name, input]) => [
    `\`${name}\``,
    input.required ? 'yes' : 'no',
    input.default ? `\`${input.default}\`` : '',
    cell(input.description),
  ]),
);
const outputs = table(
  ['Output', 'Description'],
  Object.entries(action.outputs).map(([name, output]) => [`\`${name}\``, cell(output.description)]),
);

function replaceBlock(text: string, marker: string, body: string): string {
  const pattern = new RegExp(`(<!-- ${marker}:start -->)[\\s\\S]*?(<!-- ${marker}:end -->)`);
  if (!pattern.test(text)) throw new Error(`README.md has no <!-- ${marker}:start/end --> block`);
  return text.replace(pattern, `$1\n${body}\n$2`);
}

const readme = readFileSync('README.md', 'utf8');
const wanted = replaceBlock(replaceBlock(readme, 'inputs', inputs), 'outputs', outputs);
if (process.argv.includes('--check')) {
  if (wanted !== readme) {
    console.error(
      'README.md tables differ from action.yml: run `npm run readme` and commit README.md.',
    );
    process.exitCode = 1;
  } else {
    console.log('README.md tables match action.yml.');
  }
} else if (wanted !== readme) {
  writeFileSync('README.md', wanted);
  console.log('README.md tables updated from action.yml.');
}
