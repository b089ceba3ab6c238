// Fails when the committed dist/ is not the bundle of the committed src/: builds into a
// temporary directory and compares file by file, so the work tree is never touched.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const fresh = mkdtempSync(join(tmpdir(), 'check-dist-'));
try {
  execFileSync('npm', ['run', '--silent', 'bundle', '--', '--out', fresh], { stdio: 'inherit' });
  const names = new Set([...readdirSync('dist'), ...readdirSync(fresh)]);
  const differing = [...names].filter((name) => {
    const read = (dir: string): Buffer | undefined => {
      try {
        return readFileSync(join(dir, name));
      } catch {
        return undefined;
      }
    };
    const committed = read('dist');
    const built = read(fresh);
    return committed === undefined || built === undefined || !committed.equals(built);
  });
  if (differing.length > 0) {
    console.error(
      `dist/ is not the bundle of src/: ${differing.join(', ')} differ.\n` +
        'Run `npm run bundle` and commit dist/ together with the change to src/.',
    );
    process.exitCode = 1;
  } else {
    console.log(`dist/ matches src/ (${names.size} files).`);
  }
} finally {
  rmSync(fresh, { recursive: true, force: true });
}
