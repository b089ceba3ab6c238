// `npm run release -- X.Y.Z [--push]`: tags the current commit vX.Y.Z and moves the major tag
// vX to it, as the official actions do, so `uses: …@v1` follows the newest v1.x.y.
// Refuses unless the tree is clean, on main, dist/ is the bundle of src/, the README tables
// match action.yml, CHANGELOG.md has a section for X.Y.Z, and X.Y.Z is newer than every tag.
// Without --push it only prints the push commands.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    push: { type: 'boolean', default: false },
    remote: { type: 'string', default: 'origin' },
    help: { type: 'boolean', short: 'h' },
  },
});

if (values.help === true || positionals.length !== 1) {
  console.log('Usage: npm run release -- X.Y.Z [--push] [--remote origin]');
  process.exit(values.help === true ? 0 : 2);
}

const version = positionals[0] ?? '';
const semver = /^(\d+)\.(\d+)\.(\d+)$/.exec(version);
if (semver === null) fail(`'${version}' is not a version: expected X.Y.Z, such as 1.2.0.`);
const parts = semver.slice(1).map(Number);
const tag = `v${version}`;
const major = `v${parts[0]}`;

const git = (...args: string[]): string =>
  execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

function fail(message: string): never {
  console.error(`release: ${message}`);
  process.exit(1);
}

const branch = git('rev-parse', '--abbrev-ref', 'HEAD');
if (branch !== 'main') fail(`on branch '${branch}': release from main.`);
const dirty = git('status', '--porcelain');
if (dirty !== '') fail(`the work tree is not clean:\n${dirty}`);

const tags = git('tag', '--list', 'v*.*.*')
  .split('\n')
  .filter((name) => /^v\d+\.\d+\.\d+$/.test(name));
if (tags.includes(tag)) fail(`${tag} exists already.`);
const newer = tags.find((name) => compare(name.slice(1).split('.').map(Number), parts) >= 0);
if (newer !== undefined) fail(`${newer} exists, and ${tag} is not newer.`);

const changelog = readFileSync('CHANGELOG.md', 'utf8');
if (!new RegExp(`^## \\[${version.replaceAll('.', '\\.')}\\]`, 'm').test(changelog)) {
  fail(
    `CHANGELOG.md has no '## [${version}] - YYYY-MM-DD' section: move the Unreleased entries there and commit.`,
  );
}

for (const check of ['check-dist', 'check-readme']) {
  try {
    execFileSync('npm', ['run', '--silent', check], { stdio: 'inherit' });
  } catch {
    fail(`npm run ${check} failed: fix it, commit, and run the release again.`);
  }
}

const commit = git('rev-parse', '--short', 'HEAD');
git('tag', '--annotate', tag, '--message', tag);
// The major tag moves to every new release of that major, so it must be forced.
git('tag', '--force', '--annotate', major, '--message', `${major} (${tag})`);
console.log(`Tagged ${commit} as ${tag} and moved ${major} to it.`);

const pushes = [
  ['push', values.remote, `refs/tags/${tag}`],
  ['push', '--force', values.remote, `refs/tags/${major}`],
];
if (values.push) {
  for (const args of pushes) execFileSync('git', args, { stdio: 'inherit' });
  console.log(`Pushed. Now draft the GitHub release for ${tag} from CHANGELOG.md.`);
} else {
  console.log('Push them with:');
  for (const args of pushes) console.log(`  git ${args.join(' ')}`);
}

function compare(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < 3; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
