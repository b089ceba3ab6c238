// `npm run bundle [-- --out DIR]`: dist/ from src/ with ncc. The output directory is emptied
// first: ncc only writes, so a chunk renamed by a change to src/ would otherwise stay behind.
// Source maps are written but not registered: index.ts turns Node's source maps on only when
// step debug logging prints a stack (see the README's Performance section).
//
// Two bundles: the action (src/index.ts -> index.js and its chunks) and the verification
// thread (src/verify-worker.ts -> verify-worker.js), which sink.ts starts from the file beside
// it. Their third-party licences go into one licenses.txt.
import { execFileSync } from 'node:child_process';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const ROOT = resolve(import.meta.dirname, '..');
const { values } = parseArgs({ options: { out: { type: 'string', default: 'dist' } } });
const out = resolve(values.out);
if (out === ROOT || ROOT.startsWith(`${out}/`)) {
  console.error(`Refusing to empty ${out}: it holds the repository.`);
  process.exit(2);
}
rmSync(out, { recursive: true, force: true });

function ncc(entry: string, dir: string): void {
  execFileSync(
    'ncc',
    [
      'build',
      resolve(ROOT, entry),
      '--out',
      dir,
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
}

ncc('src/index.ts', out);

const scratch = join(out, '.verify-worker');
ncc('src/verify-worker.ts', scratch);
const code = readFileSync(join(scratch, 'index.js'), 'utf8');
writeFileSync(
  join(out, 'verify-worker.js'),
  code.replace(
    /\/\/# sourceMappingURL=index\.js\.map\s*$/,
    '//# sourceMappingURL=verify-worker.js.map\n',
  ),
);
renameSync(join(scratch, 'index.js.map'), join(out, 'verify-worker.js.map'));
// ncc writes licenses.txt as one entry per package, opening with its name, two blank lines apart.
const SEPARATOR = '\n\n\n';
const main = readFileSync(join(out, 'licenses.txt'), 'utf8').trimEnd();
const known = new Set(main.split(SEPARATOR).map((entry) => entry.split('\n', 1)[0]));
const added = readFileSync(join(scratch, 'licenses.txt'), 'utf8')
  .trimEnd()
  .split(SEPARATOR)
  .filter((entry) => !known.has(entry.split('\n', 1)[0]));
writeFileSync(join(out, 'licenses.txt'), `${[main, ...added].join(SEPARATOR)}\n`);
rmSync(scratch, { recursive: true, force: true });
