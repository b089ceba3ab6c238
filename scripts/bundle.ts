// `npm run bundle [-- --out DIR]`: dist/ from src/ with ncc. The output directory is emptied
// first: ncc only writes, so a chunk renamed by a change to src/ would otherwise stay behind.
// Source maps are written but not registered: index.ts turns Node's source maps on only when
// step debug logging prints a stack (see the README's Performance section).
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

const ROOT = resolve(import.meta.dirname, '..');
const { values } = parseArgs({ options: { out: { type: 'string', default: 'dist' } } });
const out = resolve(values.out);
if (out === ROOT || ROOT.startsWith(`${out}/`)) {
  console.error(`Refusing to empty ${out}: it holds the repository.`);
  process.exit(2);
}
rmSync(out, { recursive: true, force: true });
execFileSync(
  'ncc',
  [
    'build',
    resolve(ROOT, 'src/index.ts'),
    '--out',
    out,
    '--source-map',
    '--no-source-map-register',
    '--license',
    'licenses.txt',
    '--target',
    'es2022',
    '--quiet',
  ],
  { stdio: 'inherit', cwd: ROOT },
);
