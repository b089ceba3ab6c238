/**
 * `npm run bench`: the bundled action (dist/index.js) measured beside the physical limit on
 * this machine, against the emulators on loopback. Prints a Markdown table and writes every
 * sample to bench/results/latest.json. Not part of `npm test`.
 *
 *   npm run bench                  1 GiB and 4 GiB snapshots, 5 alternated repetitions
 *   npm run bench -- --quick       128 MiB and 512 MiB, 2 repetitions, for development
 *   npm run bench -- --out FILE    write the JSON elsewhere
 *   npm run bench -- --dist FILE   measure another bundle than dist/index.js
 *
 * Every row downloads the realistic corpus (test/emulator/mongod-corpus.ts: a gzip level 6
 * .tar.gz of a generated mongod data directory, about 1.65:1 like a real one) unless it says
 * otherwise; one row keeps the old level-0 gzip of random bytes. A fully verified download
 * cannot beat the slower of the link (curl -o) and the inflate floor (Node's zlib inflating the
 * same file in memory on one core), so the main ratio is against max(curl, floor).
 *
 * Linux only (peak RSS comes from GNU time, else from /proc); needs curl, tar, gzip and bash,
 * and openssl for the HTTPS row. Snapshot files are generated once per size and cached in
 * $TMPDIR; everything else this creates is deleted.
 */
import { execFileSync, spawn } from 'node:child_process';
import {
  createWriteStream,
  existsSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import { copyFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { createGunzip } from 'node:zlib';
import { DIST, emulatorInputs, parseOutputFile } from '../test/e2e/run-action.ts';
import { type ArtifactService, startArtifactService } from '../test/emulator/artifact.ts';
import {
  type AtlasEmulator,
  type LoggedRequest,
  type SnapshotFile,
  startAtlasEmulator,
} from '../test/emulator/atlas.ts';
import { type CorpusFileInfo, mongodCorpus } from '../test/emulator/mongod-corpus.ts';
import { hasOpenssl, makeTestCa, type TestCa } from '../test/emulator/test-ca.ts';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const ROOT = resolve(import.meta.dirname, '..');

// ---------------------------------------------------------------------------------------------
// Child mode: one artifact upload, run in its own process so its time and memory are its own.
// ---------------------------------------------------------------------------------------------
if (process.argv[2] === '--upload-child') {
  const [, , , mode, file = '', sha256 = ''] = process.argv;
  if (mode === 'ours') {
    // The action's own upload: skipArchive, through a hard link named after the artifact.
    const { connectArtifactService, uploadSnapshotArtifact } = await import('../src/artifact.ts');
    const { coreLogger } = await import('../src/log.ts');
    await uploadSnapshotArtifact({
      path: file,
      name: 'bench-ours.tar.gz',
      retentionDays: 0,
      sha256,
      overwrite: false,
      service: await connectArtifactService(),
      log: coreLogger,
      env: process.env,
    });
  } else {
    // What a workflow gets from upload-artifact's defaults: a zip at compression level 6.
    const { DefaultArtifactClient } = await import('@actions/artifact');
    await new DefaultArtifactClient().uploadArtifact('bench-zip', [file], dirname(file), {
      compressionLevel: 6,
    });
  }
  process.exit(0);
}

// ---------------------------------------------------------------------------------------------
// Child mode: the usual Node download, verifying nothing: undici's body piped to a file.
// ---------------------------------------------------------------------------------------------
if (process.argv[2] === '--plain-node-child') {
  const [, , , url = '', file = ''] = process.argv;
  const { request } = await import('undici');
  const { body } = await request(url);
  await pipeline(body, createWriteStream(file));
  process.exit(0);
}

// ---------------------------------------------------------------------------------------------
// Child mode: the inflate floor. The whole .tar.gz is read into memory first, then only the
// inflate is timed: Node's zlib on its thread pool (one core), fed 1 MiB slices, writing 1 MiB
// chunks that are counted and dropped. Prints {"inflateMs", "tarBytes"}.
// ---------------------------------------------------------------------------------------------
if (process.argv[2] === '--inflate-child') {
  const data = readFileSync(process.argv[3] ?? '');
  const started = performance.now();
  let tarBytes = 0;
  await new Promise<void>((done, fail) => {
    const gunzip = createGunzip({ chunkSize: MiB });
    gunzip.on('data', (chunk: Buffer) => {
      tarBytes += chunk.length;
    });
    gunzip.on('end', done);
    gunzip.on('error', fail);
    for (let at = 0; at < data.length; at += MiB) gunzip.write(data.subarray(at, at + MiB));
    gunzip.end();
  });
  console.log(JSON.stringify({ inflateMs: performance.now() - started, tarBytes }));
  process.exit(0);
}

const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    out: { type: 'string', default: join(ROOT, 'bench/results/latest.json') },
    dist: { type: 'string', default: DIST },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (flags.help) {
  console.log('Usage: npm run bench [-- --quick] [--out results.json] [--dist bundle.js]');
  process.exit(0);
}

const quick = flags.quick;
const dist = resolve(flags.dist);
const SIZE = quick ? 128 * MiB : GiB;
const BIG_SIZE = quick ? 512 * MiB : 4 * GiB;
const REPS = quick ? 2 : 5;
const EXTRACT_REPS = quick ? 2 : 3;
const REFERENCE_REPS = quick ? 1 : 3;
const FLOOR_REPS = quick ? 2 : 3;
const NETWORK_REPS = quick ? 1 : 3;
const TLS_REPS = quick ? 2 : 3;
const ARTIFACT_REPS = quick ? 1 : 3;
// 1 Gbit/s: a fast network. 150 MB/s: about where the action stopped keeping pace (issue 12).
const NETWORK_BYTES_PER_SECOND = 125e6;
const THROTTLED_BYTES_PER_SECOND = 150e6;
const BIG_REPS = quick ? 1 : 2;
const STARTUP_REPS = quick ? 5 : 15;
const URL_REPS = quick ? 3 : 5;

// Targets from issues 5 and 12.
const TARGET = {
  limitRatio: 1.15,
  throttledRatio: 1.05,
  rssMiB: 150,
  artifactRssMiB: 300,
  rssGrowth: 0.1,
  startupRatio: 2,
  atlasRequests: 5,
};

// ---------------------------------------------------------------------------------------------
// Measuring one process
// ---------------------------------------------------------------------------------------------

interface Sample {
  wallMs: number;
  /** Peak resident set of the process (and, for a shell, of its children), in MiB. */
  peakRssMiB: number | undefined;
  /** User plus system CPU time, from GNU time when it measured the run. */
  cpuSeconds: number | undefined;
  code: number | null;
  stdout: string;
  stderr: string;
  /** Date.now() just before the spawn, to line up with the emulator's request log. */
  spawnedAt: number;
}

const gnuTime = ((): string | undefined => {
  try {
    execFileSync('/usr/bin/time', ['-f', '%M', 'true'], { stdio: 'ignore' });
    return '/usr/bin/time';
  } catch {
    return undefined;
  }
})();

/**
 * Runs a command to its end. Peak RSS comes from GNU time (ru_maxrss, which also sees what a
 * process touches while exiting); without it, from VmHWM in /proc polled every 10 ms.
 */
function measure(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  options: { rss?: boolean } = {},
): Promise<Sample> {
  const wantRss = options.rss ?? true;
  const scratch = mkdtempSync(join(os.tmpdir(), 'bench-time-'));
  const rssFile = join(scratch, 'rss');
  const wrapped = wantRss && gnuTime !== undefined;
  const [file, argv] = wrapped
    ? [gnuTime as string, ['-f', '%M %U %S', '-o', rssFile, command, ...args]]
    : [command, args];
  return new Promise((resolvePromise, reject) => {
    const spawnedAt = Date.now();
    const started = performance.now();
    const child = spawn(file, argv, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let polledKiB = 0;
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      stdout += text;
    });
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      stderr += text;
    });
    const poll =
      wantRss && !wrapped
        ? setInterval(() => {
            try {
              const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
              polledKiB = Math.max(polledKiB, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0));
            } catch {
              // Gone already.
            }
          }, 10)
        : undefined;
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = performance.now() - started;
      if (poll !== undefined) clearInterval(poll);
      let peakKiB: number | undefined = polledKiB > 0 ? polledKiB : undefined;
      let cpuSeconds: number | undefined;
      if (wrapped) {
        // GNU time writes "Command exited with non-zero status N" first when that happens.
        const last = readFileSync(rssFile, 'utf8').trim().split('\n').at(-1) ?? '';
        const [rss, user, system] = last.split(' ').map(Number);
        peakKiB = rss;
        cpuSeconds = (user ?? Number.NaN) + (system ?? Number.NaN);
      }
      rmSync(scratch, { recursive: true, force: true });
      resolvePromise({
        wallMs: round(wallMs, 1),
        peakRssMiB: peakKiB === undefined ? undefined : round(peakKiB / 1024, 1),
        cpuSeconds: cpuSeconds === undefined ? undefined : round(cpuSeconds, 2),
        code,
        stdout,
        stderr,
        spawnedAt,
      });
    });
  });
}

/** A runner-like directory for one action run: RUNNER_TEMP, workspace, output files. */
function runnerEnv(inputs: Record<string, string>, extra: Record<string, string> = {}) {
  const root = mkdtempSync(join(os.tmpdir(), 'bench-run-'));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '',
    RUNNER_TEMP: join(root, 'temp'),
    GITHUB_WORKSPACE: join(root, 'workspace'),
    GITHUB_OUTPUT: join(root, 'output'),
    GITHUB_STEP_SUMMARY: join(root, 'summary'),
    ...Object.fromEntries(
      Object.entries(inputs).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value]),
    ),
    ...extra,
  };
  for (const file of [env.GITHUB_OUTPUT, env.GITHUB_STEP_SUMMARY]) {
    if (file !== undefined) execFileSync('touch', [file]);
  }
  return { root, env };
}

async function runAction(
  inputs: Record<string, string>,
  extra: Record<string, string> = {},
): Promise<Sample & { outputs: Record<string, string> }> {
  const { root, env } = runnerEnv(inputs, extra);
  try {
    const sample = await measure(process.execPath, [dist], env);
    const outputs = parseOutputFile(readFileSync(join(root, 'output'), 'utf8'));
    if (sample.code !== 0) {
      const error = sample.stdout.split('\n').find((line) => line.startsWith('::error::'));
      throw new Error(`the action failed (exit ${sample.code}): ${error ?? sample.stderr}`);
    }
    return { ...sample, outputs };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** Runs both, the reference first on even repetitions, so neither always goes first. */
async function alternated(
  repetition: number,
  action: () => Promise<unknown>,
  reference: () => Promise<unknown>,
): Promise<void> {
  if (repetition % 2 === 0) {
    await reference();
    await action();
  } else {
    await action();
    await reference();
  }
}

/**
 * Runs a reference command with a scratch directory of its own, `$DIR`, deleted afterwards;
 * `$URL` is the snapshot's signed link, `$FILE` the served file. A reference that fails stops
 * the benchmark.
 */
async function reference(
  name: string,
  command: string,
  args: (dir: string) => string[],
  env: { URL?: string; FILE?: string } = {},
): Promise<Sample> {
  const dir = mkdtempSync(join(os.tmpdir(), 'bench-reference-'));
  try {
    const sample = await measure(command, args(dir), {
      PATH: process.env.PATH ?? '',
      DIR: dir,
      ...env,
    });
    if (sample.code !== 0) throw new Error(`${name} failed: ${sample.stderr}`);
    return sample;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const bash = (script: string) => () => ['-o', 'pipefail', '-c', script];

/** `curl -o`; with `ca`, trusting that CA for an HTTPS link. */
const curlDownload = (url: string, ca?: string) =>
  reference(
    'curl',
    'curl',
    (dir) => [
      '-sS',
      '--fail',
      ...(ca === undefined ? [] : ['--cacert', ca]),
      '-o',
      join(dir, 'snapshot.tar.gz'),
      url,
    ],
    { URL: url },
  );

const curlExtract = (url: string) =>
  reference('curl | tar', 'bash', bash('curl -sS --fail "$URL" | tar -xzf - -C "$DIR"'), {
    URL: url,
  });

/** The same download in Node without any verification: what Node's own I/O costs here. */
const plainNodeDownload = (url: string) =>
  reference('the plain Node download', process.execPath, (dir) => [
    join(ROOT, 'scripts/bench.ts'),
    '--plain-node-child',
    url,
    join(dir, 'snapshot.tar.gz'),
  ]);

/** The action's verification with standard tools, in one streaming pass like the action's. */
const shellVerify = (url: string) =>
  reference(
    'curl | sha256sum, gzip -dc | tar -t',
    'bash',
    bash(
      'curl -sS --fail "$URL" | tee "$DIR/snapshot.tar.gz" >(sha256sum > "$DIR/sha256") | gzip -dc | tar -tf - > /dev/null && wait $!',
    ),
    { URL: url },
  );

/** GNU gzip inflating the served file from the page cache, output dropped. */
const gzipInflate = (file: string) =>
  reference('gzip -dc', 'bash', bash('gzip -dc "$FILE" > /dev/null'), { FILE: file });

/** Node's zlib inflating the served file in memory: the time of the inflate alone. */
async function nodeInflate(file: SnapshotFile & { tarSize?: number }): Promise<number> {
  const sample = await reference('the inflate floor', process.execPath, () => [
    join(ROOT, 'scripts/bench.ts'),
    '--inflate-child',
    file.path,
  ]);
  const { inflateMs, tarBytes } = JSON.parse(sample.stdout) as Record<string, number>;
  if (file.tarSize !== undefined && tarBytes !== file.tarSize) {
    throw new Error(`the inflate floor inflated ${tarBytes} bytes, not ${file.tarSize}`);
  }
  return round(inflateMs ?? Number.NaN, 1);
}
// ---------------------------------------------------------------------------------------------
// Statistics and the table
// ---------------------------------------------------------------------------------------------

function round(value: number, digits: number): number {
  return Number(value.toFixed(digits));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? Number.NaN)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

function maxOf(values: (number | undefined)[]): number {
  return Math.max(...values.map((value) => value ?? Number.NaN));
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const millis = (ms: number) => `${Math.round(ms)} ms`;
const mib = (value: number) => `${Math.round(value)} MiB`;
const ratio = (value: number) => `${value.toFixed(2)}×`;
const sizeName = (bytes: number) =>
  bytes >= GiB ? `${Math.round(bytes / GiB)} GiB` : `${Math.round(bytes / MiB)} MiB`;

interface Row {
  measurement: string;
  action: string;
  reference: string;
  ratio: string;
  target: string;
  met: boolean | undefined;
}

function table(rows: Row[]): string {
  const header = ['Measurement', 'Action', 'Reference', 'Ratio', 'Target', 'Met'];
  const cells = rows.map((row) => [
    row.measurement,
    row.action,
    row.reference,
    row.ratio,
    row.target,
    row.met === undefined ? '' : row.met ? 'yes' : '**no**',
  ]);
  const widths = header.map((name, i) =>
    Math.max(name.length, ...cells.map((c) => c[i]?.length ?? 0)),
  );
  const line = (values: string[]) =>
    `| ${values.map((value, i) => value.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

/** "POST /api/oauth/token" -> "token": what each Atlas request was for, in a few words. */
function requestName(request: string): string {
  const [method = '', path = ''] = request.split(' ');
  if (path.endsWith('/oauth/token')) return 'token';
  if (path.endsWith('/oauth/revoke')) return 'revoke';
  if (path.endsWith('/snapshots')) return 'list snapshots';
  if (method === 'POST') return 'request download';
  if (/\/download\/[^/]+$|\/restoreJobs\/[^/]+$/.test(path)) return 'poll job';
  return `${method} ${path.split('/').slice(-2).join('/')}`;
}

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

/** A row of the table; empty cells by default. */
function row(measurement: string, action: string, reference = '', rest: Partial<Row> = {}): Row {
  return { measurement, action, reference, ratio: '', target: '', met: undefined, ...rest };
}

/** A ratio cell against a target: `value ≤ target`. */
function against(value: number, target: number): Partial<Row> {
  return { ratio: ratio(value), target: `≤ ${ratio(target)}`, met: value <= target };
}

const wall = (samples: Sample[]) => median(samples.map((s) => s.wallMs));
const cpu = (samples: Sample[]) => median(samples.map((s) => (s.cpuSeconds ?? Number.NaN) * 1000));
const peak = (samples: Sample[]) => maxOf(samples.map((s) => s.peakRssMiB));

/** Where a `delivery: artifact` run spent its time, from the servers' request logs. */
interface Phases {
  /** Process start to the first Atlas request. */
  startMs: number;
  /** The Atlas requests, up to the file's GET. */
  atlasMs: number;
  /** Download and verification: the file's GET to the upload's first request. */
  downloadMs: number;
  /** CreateArtifact to FinalizeArtifact: the blocks and their commit. */
  uploadMs: number;
  /** FinalizeArtifact to the process's exit: outputs, summary, revoking the token. */
  finishMs: number;
}

function phasesOf(run: Sample, atlasLog: LoggedRequest[], artifactLog: LoggedRequest[]): Phases {
  const first = atlasLog.find((r) => r.server === 'atlas')?.at ?? Number.NaN;
  const download = atlasLog.find((r) => r.server === 'files')?.at ?? Number.NaN;
  const create = artifactLog.find((r) => r.path.endsWith('/CreateArtifact'))?.at ?? Number.NaN;
  const finalize = artifactLog.find((r) => r.path.endsWith('/FinalizeArtifact'))?.at ?? Number.NaN;
  return {
    startMs: first - run.spawnedAt,
    atlasMs: download - first,
    downloadMs: create - download,
    uploadMs: finalize - create,
    finishMs: run.spawnedAt + run.wallMs - finalize,
  };
}

function medianPhases(all: Phases[]): Phases {
  const of = (key: keyof Phases) => round(median(all.map((p) => p[key])), 1);
  return {
    startMs: of('startMs'),
    atlasMs: of('atlasMs'),
    downloadMs: of('downloadMs'),
    uploadMs: of('uploadMs'),
    finishMs: of('finishMs'),
  };
}

// ---------------------------------------------------------------------------------------------
// The benchmark
// ---------------------------------------------------------------------------------------------

if (!existsSync(dist)) {
  console.error(`${dist} is missing: run \`npm run bundle\` first.`);
  process.exit(1);
}
for (const tool of ['curl', 'tar', 'gzip', 'bash']) {
  try {
    execFileSync('which', [tool], { stdio: 'ignore' });
  } catch {
    console.error(`${tool} is needed on PATH.`);
    process.exit(1);
  }
}

const cpus = os.cpus();
const machine = {
  cpus: cpus.length,
  cpuModel: cpus[0]?.model ?? 'unknown',
  memoryGiB: Math.round(os.totalmem() / GiB),
  node: process.version,
  platform: `${os.type()} ${os.release()}`,
  loadAverageAtStart: os.loadavg().map((value) => Number(value.toFixed(2))),
  rssSource: gnuTime === undefined ? 'VmHWM polled every 10 ms' : 'GNU time (ru_maxrss)',
};
log(
  `Machine: ${machine.cpus} vCPU (${machine.cpuModel}), ${machine.memoryGiB} GiB, Node ${machine.node}; load ${machine.loadAverageAtStart.join(' ')}`,
);
if ((machine.loadAverageAtStart[0] ?? 0) > 0.5) {
  log('Warning: the machine is busy; wall times will be noisy.');
}

log(
  `Preparing the ${sizeName(SIZE)} and ${sizeName(BIG_SIZE)} corpora and the ${sizeName(SIZE)} random file (generated once, then cached in ${os.tmpdir()})…`,
);
const preparing = performance.now();
const corpus = await mongodCorpus(SIZE);
const bigCorpus = await mongodCorpus(BIG_SIZE);
const atlas: AtlasEmulator = await startAtlasEmulator({ snapshotSize: SIZE });
const randomFile = await atlas.snapshotFile();
await atlas.snapshotFile(corpus);
const describeCorpus = (file: CorpusFileInfo) => ({
  size: file.size,
  tarSize: file.tarSize,
  ratio: round(file.tarSize / file.size, 3),
  sha256: file.sha256,
  files: file.entries.length,
});
log(
  `  ready in ${seconds(performance.now() - preparing)}: ${sizeName(corpus.tarSize)} of tar in ${(corpus.size / MiB).toFixed(0)} MiB of .tar.gz (${(corpus.tarSize / corpus.size).toFixed(2)}:1)`,
);

const results: Record<string, unknown> = {
  machine,
  quick,
  dist: relative(ROOT, dist),
  sizes: { main: SIZE, big: BIG_SIZE },
  corpus: { main: describeCorpus(corpus), big: describeCorpus(bigCorpus) },
  randomFile: { size: randomFile.size, sha256: randomFile.sha256 },
};
const rows: Row[] = [];
const scratch = mkdtempSync(join(os.tmpdir(), 'bench-ca-'));
let tlsAtlas: AtlasEmulator | undefined;

/** The action with `delivery: file` against `emulator`, which must report `sha256`. */
async function downloadFile(emulator: AtlasEmulator, sha256: string, env = {}) {
  const run = await runAction(emulatorInputs(emulator, { delivery: 'file' }), env);
  if (run.outputs.sha256 !== sha256) throw new Error('the action reported another SHA-256');
  return run;
}

/** The action and `curl -o` of the same link, alternated, `reps` times each. */
async function downloadVsCurl(
  reps: number,
  url: string,
  options: { emulator?: AtlasEmulator; sha256?: string; ca?: string } = {},
) {
  const emulator = options.emulator ?? atlas;
  const sha256 = options.sha256 ?? corpus.sha256;
  const env = options.ca === undefined ? {} : { NODE_EXTRA_CA_CERTS: options.ca };
  const ours: Sample[] = [];
  const curls: Sample[] = [];
  for (let i = 0; i < reps; i++) {
    await alternated(
      i,
      async () => ours.push(await downloadFile(emulator, sha256, env)),
      async () => curls.push(await curlDownload(url, options.ca)),
    );
    log(
      `  #${i + 1}: action ${seconds(ours.at(-1)?.wallMs ?? 0)}, curl ${seconds(curls.at(-1)?.wallMs ?? 0)}`,
    );
  }
  return { ours, curls };
}

/** The signed link of a `delivery: url` run. */
async function signedLink(emulator: AtlasEmulator, env = {}): Promise<string> {
  const run = await runAction(emulatorInputs(emulator, { delivery: 'url' }), env);
  const url = run.outputs['snapshot-url'] ?? '';
  if (url === '') throw new Error('the url run gave no snapshot-url');
  return url;
}

/** Downloads at `bytesPerSecond`; curl must not beat the rate, or the emulator did not throttle. */
async function throttled(bytesPerSecond: number, url: string) {
  atlas.faults.download.bytesPerSecond = bytesPerSecond;
  try {
    const runs = await downloadVsCurl(NETWORK_REPS, url);
    const floorMs = (corpus.size / bytesPerSecond) * 1000;
    if (runs.curls.some((s) => s.wallMs < floorMs * 0.95)) {
      throw new Error('curl beat the rate limit: the emulator did not throttle');
    }
    return runs;
  } finally {
    atlas.faults.download.bytesPerSecond = undefined;
  }
}

try {
  // --- Atlas requests and the signed URL: `delivery: url`, job complete in the POST answer.
  log('delivery: url (Atlas requests, time to the first request)…');
  const urlRuns: { sample: Sample; requests: string[]; firstRequestMs: number }[] = [];
  let signedUrl = '';
  for (let i = 0; i < URL_REPS; i++) {
    const before = atlas.requests.length;
    const run = await runAction(emulatorInputs(atlas, { delivery: 'url' }));
    const requests = atlas.requests.slice(before).filter((r) => r.server === 'atlas');
    urlRuns.push({
      sample: run,
      requests: requests.map((r) => `${r.method} ${r.path}`),
      firstRequestMs: (requests[0]?.at ?? Number.NaN) - run.spawnedAt,
    });
    signedUrl = run.outputs['snapshot-url'] ?? '';
  }
  if (signedUrl === '') throw new Error('the url run gave no snapshot-url');
  const requestCounts = urlRuns.map((run) => run.requests.length);
  const firstRequestMs = median(urlRuns.map((run) => run.firstRequestMs));
  results.urlDelivery = {
    requests: urlRuns[0]?.requests,
    requestCounts,
    wallMs: urlRuns.map((run) => run.sample.wallMs),
    firstRequestMs: urlRuns.map((run) => run.firstRequestMs),
  };

  // --- Startup: a bad input against `node -e 0`, alternated.
  log('startup (bad input vs node -e 0)…');
  const badInput: Sample[] = [];
  const nodeBare: Sample[] = [];
  const badEnv = runnerEnv({ ...emulatorInputs(atlas), 'group-id': 'not-a-project-id' });
  try {
    for (let i = 0; i < STARTUP_REPS; i++) {
      nodeBare.push(await measure(process.execPath, ['-e', '0'], badEnv.env, { rss: false }));
      const bad = await measure(process.execPath, [dist], badEnv.env, { rss: false });
      if (bad.code !== 1 || !bad.stdout.includes("::error::Input 'group-id'")) {
        throw new Error(`the bad-input run did not fail on group-id: ${bad.stdout}`);
      }
      badInput.push(bad);
    }
  } finally {
    rmSync(badEnv.root, { recursive: true, force: true });
  }
  results.startup = {
    badInputMs: badInput.map((s) => s.wallMs),
    nodeMs: nodeBare.map((s) => s.wallMs),
  };

  // --- The inflate floor: one core inflating the same file, Node's zlib and GNU gzip.
  log(`the inflate floor of the ${sizeName(SIZE)} corpus (${FLOOR_REPS}×)…`);
  await curlDownload(signedUrl); // warm-up: the served file into the page cache
  const floors: number[] = [];
  const gzips: Sample[] = [];
  for (let i = 0; i < FLOOR_REPS; i++) {
    floors.push(await nodeInflate(corpus));
    gzips.push(await gzipInflate(corpus.path));
    log(
      `  #${i + 1}: Node's zlib ${seconds(floors.at(-1) ?? 0)}, gzip -dc ${seconds(gzips.at(-1)?.wallMs ?? 0)}`,
    );
  }
  results.floor = { nodeInflateMs: floors, gzipMs: gzips.map((s) => s.wallMs) };

  // --- Download + verification vs curl -o, alternated (order flips every repetition).
  log(`download + verification of the ${sizeName(SIZE)} corpus vs curl -o (${REPS}×)…`);
  const { ours, curls } = await downloadVsCurl(REPS, signedUrl);
  results.download = {
    size: corpus.size,
    actionMs: ours.map((s) => s.wallMs),
    actionRssMiB: ours.map((s) => s.peakRssMiB),
    actionCpuSeconds: ours.map((s) => s.cpuSeconds),
    curlMs: curls.map((s) => s.wallMs),
    curlRssMiB: curls.map((s) => s.peakRssMiB),
    curlCpuSeconds: curls.map((s) => s.cpuSeconds),
  };

  // --- Two more references for the same download: Node verifying nothing, and the action's
  // verification done with standard tools.
  log(`the same download by plain Node, and verified by standard tools (${REFERENCE_REPS}×)…`);
  const plainNodes: Sample[] = [];
  const shells: Sample[] = [];
  for (let i = 0; i < REFERENCE_REPS; i++) {
    plainNodes.push(await plainNodeDownload(signedUrl));
    shells.push(await shellVerify(signedUrl));
    log(
      `  #${i + 1}: plain Node ${seconds(plainNodes.at(-1)?.wallMs ?? 0)}, standard tools ${seconds(shells.at(-1)?.wallMs ?? 0)}`,
    );
  }
  results.references = {
    plainNodeMs: plainNodes.map((s) => s.wallMs),
    plainNodeRssMiB: plainNodes.map((s) => s.peakRssMiB),
    plainNodeCpuSeconds: plainNodes.map((s) => s.cpuSeconds),
    toolsMs: shells.map((s) => s.wallMs),
    toolsCpuSeconds: shells.map((s) => s.cpuSeconds),
  };

  // --- The same with the link throttled, alternated: 150 MB/s, then 1 Gbit/s.
  log(`the same throttled to ${THROTTLED_BYTES_PER_SECOND / 1e6} MB/s (${NETWORK_REPS}×)…`);
  const slow = await throttled(THROTTLED_BYTES_PER_SECOND, signedUrl);
  log(`the same at ${NETWORK_BYTES_PER_SECOND * 8e-9} Gbit/s (${NETWORK_REPS}×)…`);
  const network = await throttled(NETWORK_BYTES_PER_SECOND, signedUrl);
  results.throttled = {
    bytesPerSecond: THROTTLED_BYTES_PER_SECOND,
    actionMs: slow.ours.map((s) => s.wallMs),
    actionCpuSeconds: slow.ours.map((s) => s.cpuSeconds),
    curlMs: slow.curls.map((s) => s.wallMs),
  };
  results.network = {
    bytesPerSecond: NETWORK_BYTES_PER_SECOND,
    actionMs: network.ours.map((s) => s.wallMs),
    actionCpuSeconds: network.ours.map((s) => s.cpuSeconds),
    curlMs: network.curls.map((s) => s.wallMs),
  };

  // --- Over HTTPS: a second emulator whose file host has a certificate from a test CA.
  let tls: { ours: Sample[]; curls: Sample[] } | undefined;
  if (hasOpenssl()) {
    log(`the same over HTTPS (${TLS_REPS}×)…`);
    const ca: TestCa = makeTestCa(scratch);
    tlsAtlas = await startAtlasEmulator({ fileTls: { key: ca.key, cert: ca.cert } });
    await tlsAtlas.snapshotFile(corpus);
    const tlsUrl = await signedLink(tlsAtlas, { NODE_EXTRA_CA_CERTS: ca.caPath });
    tls = await downloadVsCurl(TLS_REPS, tlsUrl, { emulator: tlsAtlas, ca: ca.caPath });
    results.tls = {
      actionMs: tls.ours.map((s) => s.wallMs),
      actionCpuSeconds: tls.ours.map((s) => s.cpuSeconds),
      actionRssMiB: tls.ours.map((s) => s.peakRssMiB),
      curlMs: tls.curls.map((s) => s.wallMs),
      curlCpuSeconds: tls.curls.map((s) => s.cpuSeconds),
    };
  } else {
    log('no openssl on PATH: skipping the HTTPS row');
  }

  // --- The old corpus: a level-0 gzip of random bytes, where inflating is a copy.
  log(`the same on the ${sizeName(SIZE)} random file (${REFERENCE_REPS}×)…`);
  await atlas.snapshotFile(randomFile);
  await curlDownload(signedUrl); // its turn in the page cache
  let random: { ours: Sample[]; curls: Sample[] };
  try {
    random = await downloadVsCurl(REFERENCE_REPS, signedUrl, { sha256: randomFile.sha256 });
  } finally {
    await atlas.snapshotFile(corpus);
  }
  results.random = {
    size: randomFile.size,
    actionMs: random.ours.map((s) => s.wallMs),
    actionRssMiB: random.ours.map((s) => s.peakRssMiB),
    curlMs: random.curls.map((s) => s.wallMs),
  };

  // --- The big corpus, for peak RSS.
  log(`peak RSS at ${sizeName(BIG_SIZE)} (${BIG_REPS}×)…`);
  await atlas.snapshotFile(bigCorpus);
  const bigRuns: Sample[] = [];
  try {
    for (let i = 0; i < BIG_REPS; i++) {
      const run = await downloadFile(atlas, bigCorpus.sha256);
      bigRuns.push(run);
      log(`  #${i + 1}: ${seconds(run.wallMs)}, ${mib(run.peakRssMiB ?? Number.NaN)}`);
    }
  } finally {
    await atlas.snapshotFile(corpus);
  }
  results.big = {
    size: bigCorpus.size,
    actionMs: bigRuns.map((s) => s.wallMs),
    actionRssMiB: bigRuns.map((s) => s.peakRssMiB),
  };
  await curlDownload(signedUrl); // the main corpus back into the page cache

  // --- extract-to vs curl | tar -xz, alternated.
  log(`extract-to vs curl | tar -xz (${EXTRACT_REPS}×)…`);
  const extracts: Sample[] = [];
  const curlTars: Sample[] = [];
  for (let i = 0; i < EXTRACT_REPS; i++) {
    const runOurs = async () => {
      const dir = mkdtempSync(join(os.tmpdir(), 'bench-extract-'));
      try {
        const extractTo = join(dir, 'db');
        extracts.push(
          await runAction(emulatorInputs(atlas, { delivery: 'file', 'extract-to': extractTo })),
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    };
    const runCurl = async () => curlTars.push(await curlExtract(signedUrl));
    await alternated(i, runOurs, runCurl);
    log(
      `  #${i + 1}: action ${seconds(extracts.at(-1)?.wallMs ?? 0)}, curl | tar ${seconds(curlTars.at(-1)?.wallMs ?? 0)}`,
    );
  }
  results.extract = {
    actionMs: extracts.map((s) => s.wallMs),
    actionRssMiB: extracts.map((s) => s.peakRssMiB),
    curlTarMs: curlTars.map((s) => s.wallMs),
    curlTarRssMiB: curlTars.map((s) => s.peakRssMiB),
  };

  // --- delivery: artifact end to end, by phase, through the local artifact service.
  log(`delivery: artifact, end to end (${ARTIFACT_REPS}×)…`);
  const artifactRuns: Sample[] = [];
  const phases: Phases[] = [];
  for (let i = 0; i < ARTIFACT_REPS; i++) {
    const service: ArtifactService = await startArtifactService();
    try {
      const before = atlas.requests.length;
      const name = `bench-${i}.tar.gz`;
      const run = await runAction(
        emulatorInputs(atlas, { delivery: 'artifact', 'artifact-name': name }),
        service.env,
      );
      // Read after the run: the stand-in hashes a committed blob only when asked.
      if (service.artifacts.get(name)?.sha256 !== corpus.sha256) {
        throw new Error('the artifact service holds other bytes than the corpus');
      }
      artifactRuns.push(run);
      phases.push(phasesOf(run, atlas.requests.slice(before), service.requests));
      const p = phases.at(-1) as Phases;
      log(
        `  #${i + 1}: ${seconds(run.wallMs)}, ${mib(run.peakRssMiB ?? Number.NaN)}: start ${millis(p.startMs)}, Atlas ${millis(p.atlasMs)}, download ${seconds(p.downloadMs)}, upload ${seconds(p.uploadMs)}, finish ${millis(p.finishMs)}`,
      );
    } finally {
      await service.close();
    }
  }
  const artifactPhases = medianPhases(phases);
  results.artifactDelivery = {
    actionMs: artifactRuns.map((s) => s.wallMs),
    actionRssMiB: artifactRuns.map((s) => s.peakRssMiB),
    actionCpuSeconds: artifactRuns.map((s) => s.cpuSeconds),
    phases,
  };

  // --- Artifact upload of the same file alone: skipArchive (ours) vs a zip at level 6.
  log(`artifact upload of the ${sizeName(SIZE)} corpus alone: skipArchive vs zip level 6…`);
  const uploads: Record<string, Sample> = {};
  for (const mode of ['ours', 'zip'] as const) {
    const service = await startArtifactService();
    // A link of the cached snapshot in a directory of its own: the upload sees one file.
    const dir = mkdtempSync(join(os.tmpdir(), 'bench-upload-'));
    const file = join(dir, basename(corpus.path));
    try {
      try {
        linkSync(corpus.path, file);
      } catch {
        await copyFile(corpus.path, file);
      }
      const sample = await measure(
        process.execPath,
        [join(ROOT, 'scripts/bench.ts'), '--upload-child', mode, file, corpus.sha256],
        { PATH: process.env.PATH ?? '', ...service.env },
      );
      if (sample.code !== 0) throw new Error(`the ${mode} upload failed: ${sample.stderr}`);
      uploads[mode] = sample;
      log(`  ${mode}: ${seconds(sample.wallMs)}, ${mib(sample.peakRssMiB ?? Number.NaN)}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await service.close();
    }
  }
  results.upload = {
    skipArchiveMs: uploads.ours?.wallMs,
    skipArchiveRssMiB: uploads.ours?.peakRssMiB,
    skipArchiveCpuSeconds: uploads.ours?.cpuSeconds,
    zipMs: uploads.zip?.wallMs,
    zipRssMiB: uploads.zip?.peakRssMiB,
  };

  // --- The table.
  const ourMs = wall(ours);
  const curlMs = wall(curls);
  const floorMs = median(floors);
  const limitMs = Math.max(curlMs, floorMs);
  const rssMain = peak(ours);
  const rssBig = peak(bigRuns);
  const growth = rssBig / rssMain - 1;
  const badMs = wall(badInput);
  const nodeMs = wall(nodeBare);
  const maxRequests = Math.max(...requestCounts);
  const size = sizeName(SIZE);
  const versus = (samples: { ours: Sample[]; curls: Sample[] }) =>
    wall(samples.ours) / wall(samples.curls);
  const uploadOf = (mode: string) => uploads[mode]?.wallMs ?? Number.NaN;
  rows.push(
    row(
      `Download + verification, ${size} corpus (\`delivery: file\`), median of ${REPS}`,
      seconds(ourMs),
      `max(\`curl -o\`, inflate floor) ${seconds(limitMs)}`,
      against(ourMs / limitMs, TARGET.limitRatio),
    ),
    row('The same against `curl -o` alone', seconds(ourMs), `\`curl -o\` ${seconds(curlMs)}`, {
      ratio: ratio(ourMs / curlMs),
    }),
    row(
      `Inflate floor: Node's zlib, one core, in memory, median of ${FLOOR_REPS}`,
      seconds(floorMs),
      `\`gzip -dc > /dev/null\` ${seconds(wall(gzips))}`,
      { ratio: ratio(floorMs / wall(gzips)) },
    ),
    row(
      'CPU time (user + system) of the download runs, median',
      seconds(cpu(ours)),
      `\`curl -o\` ${seconds(cpu(curls))}`,
    ),
    row(
      `The same throttled to ${THROTTLED_BYTES_PER_SECOND / 1e6} MB/s, median of ${NETWORK_REPS}`,
      seconds(wall(slow.ours)),
      `\`curl -o\` ${seconds(wall(slow.curls))}`,
      against(versus(slow), TARGET.throttledRatio),
    ),
    row(
      `The same at ${NETWORK_BYTES_PER_SECOND * 8e-9} Gbit/s, median of ${NETWORK_REPS}`,
      seconds(wall(network.ours)),
      `\`curl -o\` ${seconds(wall(network.curls))}`,
      { ratio: ratio(versus(network)) },
    ),
    ...(tls === undefined
      ? []
      : [
          row(
            `The same over HTTPS (test CA), median of ${TLS_REPS}`,
            seconds(wall(tls.ours)),
            `\`curl --cacert -o\` ${seconds(wall(tls.curls))}`,
            { ratio: ratio(versus(tls)) },
          ),
          row(
            'CPU time of the HTTPS runs, median',
            seconds(cpu(tls.ours)),
            `\`curl --cacert -o\` ${seconds(cpu(tls.curls))}`,
          ),
        ]),
    row(
      `The same on the random file (level-0 gzip), median of ${REFERENCE_REPS}`,
      seconds(wall(random.ours)),
      `\`curl -o\` ${seconds(wall(random.curls))}`,
      { ratio: ratio(versus(random)) },
    ),
    row(
      'The same download by plain Node, verifying nothing (undici piped to a file)',
      seconds(ourMs),
      `${seconds(wall(plainNodes))}, ${mib(peak(plainNodes))}`,
      { ratio: ratio(ourMs / wall(plainNodes)) },
    ),
    row(
      'The same verification by standard tools, streaming',
      seconds(ourMs),
      `\`curl \\| tee >(sha256sum) \\| gzip -dc \\| tar -t\` ${seconds(wall(shells))}`,
      { ratio: ratio(ourMs / wall(shells)) },
    ),
    row(`Peak RSS, ${size} corpus`, mib(rssMain), `\`curl -o\` ${mib(peak(curls))}`, {
      target: `≤ ${TARGET.rssMiB} MiB`,
      met: rssMain <= TARGET.rssMiB,
    }),
    row(`Peak RSS, ${sizeName(BIG_SIZE)} corpus`, mib(rssBig), '', {
      target: `≤ ${TARGET.rssMiB} MiB`,
      met: rssBig <= TARGET.rssMiB,
    }),
    row(
      `Peak RSS, ${sizeName(BIG_SIZE)} against ${size}`,
      `${growth >= 0 ? '+' : ''}${(growth * 100).toFixed(1)} %`,
      '',
      { target: `within ${TARGET.rssGrowth * 100} %`, met: Math.abs(growth) <= TARGET.rssGrowth },
    ),
    row(
      `With \`extract-to\`, ${size}, median of ${EXTRACT_REPS}`,
      seconds(wall(extracts)),
      `\`curl \\| tar -xz\` ${seconds(wall(curlTars))}`,
      { ratio: ratio(wall(extracts) / wall(curlTars)) },
    ),
    row(
      `\`delivery: artifact\`, ${size}, end to end, median of ${ARTIFACT_REPS}`,
      `${seconds(wall(artifactRuns))}, ${mib(peak(artifactRuns))}`,
      '',
      {
        target: `≤ ${TARGET.artifactRssMiB} MiB`,
        met: peak(artifactRuns) <= TARGET.artifactRssMiB,
      },
    ),
    row(
      '… by phase: start, Atlas, download + verification, upload, finish',
      [
        millis(artifactPhases.startMs),
        millis(artifactPhases.atlasMs),
        seconds(artifactPhases.downloadMs),
        seconds(artifactPhases.uploadMs),
        millis(artifactPhases.finishMs),
      ].join(', '),
    ),
    row(
      `Artifact upload alone, ${size}`,
      `skipArchive ${seconds(uploadOf('ours'))}`,
      `zip level 6 ${seconds(uploadOf('zip'))}`,
      { ratio: ratio(uploadOf('ours') / uploadOf('zip')) },
    ),
    row(
      `Run failing on a bad input, median of ${STARTUP_REPS}`,
      millis(badMs),
      `\`node -e 0\` ${millis(nodeMs)}`,
      against(badMs / nodeMs, TARGET.startupRatio),
    ),
    row(
      'Process start to first Atlas request',
      millis(firstRequestMs),
      `\`node -e 0\` ${millis(nodeMs)}`,
    ),
    row(
      'Atlas requests, `delivery: url`, job complete at once',
      String(maxRequests),
      (urlRuns[0]?.requests ?? []).map(requestName).join(', '),
      { target: `≤ ${TARGET.atlasRequests}`, met: maxRequests <= TARGET.atlasRequests },
    ),
  );
  results.table = rows;
} finally {
  await atlas.close();
  await tlsAtlas?.close();
  rmSync(scratch, { recursive: true, force: true });
}

const rendered = table(rows);
console.log(
  `\n${machine.cpus} vCPU ${machine.cpuModel}, ${machine.memoryGiB} GiB RAM, Node ${machine.node}, ${machine.platform}${quick ? ' (--quick)' : ''}`,
);
console.log(
  `Corpus: ${sizeName(SIZE)} and ${sizeName(BIG_SIZE)} .tar.gz of a generated mongod data directory, ${(corpus.tarSize / corpus.size).toFixed(2)}:1\n`,
);
console.log(rendered);
mkdirSync(dirname(flags.out), { recursive: true });
await writeFile(flags.out, `${JSON.stringify({ ...results, markdown: rendered }, null, 2)}\n`);
console.log(`\nSamples: ${flags.out}`);
