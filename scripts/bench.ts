/**
 * `npm run bench`: the bundled action (dist/index.js) measured beside the physical limit on
 * this machine, against the emulators on loopback. Prints a Markdown table and writes every
 * sample to bench/results/latest.json. Not part of `npm test`.
 *
 *   npm run bench                  1 GiB and 4 GiB snapshots, 5 alternated repetitions (~7 min)
 *   npm run bench -- --quick       128 MiB and 512 MiB, 2 repetitions, for development
 *   npm run bench -- --out FILE    write the JSON elsewhere
 *   npm run bench -- --dist FILE   measure another bundle than dist/index.js
 *
 * Linux only (peak RSS comes from GNU time, else from /proc); needs curl and tar. Snapshot
 * files are generated once per size and cached by the emulator in $TMPDIR; everything else
 * this creates is deleted.
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
import { DIST, emulatorInputs, parseOutputFile } from '../test/e2e/run-action.ts';
import { startArtifactService } from '../test/emulator/artifact.ts';
import { type AtlasEmulator, startAtlasEmulator } from '../test/emulator/atlas.ts';

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
const NETWORK_REPS = quick ? 1 : 3;
// 1 Gbit/s: a fast network, where the link rather than the CPU sets the pace.
const NETWORK_BYTES_PER_SECOND = 125e6;
const BIG_REPS = quick ? 1 : 2;
const STARTUP_REPS = quick ? 5 : 15;
const URL_REPS = quick ? 3 : 5;

// Targets from issue 5.
const TARGET = { speedRatio: 1.1, rssMiB: 100, rssGrowth: 0.1, startupRatio: 2, atlasRequests: 5 };

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
 * `$URL` is the snapshot's signed link. A reference that fails stops the benchmark.
 */
async function reference(
  name: string,
  url: string,
  command: string,
  args: (dir: string) => string[],
): Promise<Sample> {
  const dir = mkdtempSync(join(os.tmpdir(), 'bench-reference-'));
  try {
    const sample = await measure(command, args(dir), {
      PATH: process.env.PATH ?? '',
      URL: url,
      DIR: dir,
    });
    if (sample.code !== 0) throw new Error(`${name} failed: ${sample.stderr}`);
    return sample;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const bash = (script: string) => () => ['-o', 'pipefail', '-c', script];

const curlDownload = (url: string) =>
  reference('curl', url, 'curl', (dir) => [
    '-sS',
    '--fail',
    '-o',
    join(dir, 'snapshot.tar.gz'),
    url,
  ]);

const curlExtract = (url: string) =>
  reference('curl | tar', url, 'bash', bash('curl -sS --fail "$URL" | tar -xzf - -C "$DIR"'));

/** The same download in Node without any verification: what Node's own I/O costs here. */
const plainNodeDownload = (url: string) =>
  reference('the plain Node download', url, process.execPath, (dir) => [
    join(ROOT, 'scripts/bench.ts'),
    '--plain-node-child',
    url,
    join(dir, 'snapshot.tar.gz'),
  ]);

/** The action's verification with standard tools, in one streaming pass like the action's. */
const shellVerify = (url: string) =>
  reference(
    'curl | sha256sum, gzip -dc | tar -t',
    url,
    'bash',
    bash(
      'curl -sS --fail "$URL" | tee "$DIR/snapshot.tar.gz" >(sha256sum > "$DIR/sha256") | gzip -dc | tar -tf - > /dev/null && wait $!',
    ),
  );

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

// ---------------------------------------------------------------------------------------------
// The benchmark
// ---------------------------------------------------------------------------------------------

if (!existsSync(dist)) {
  console.error(`${dist} is missing: run \`npm run bundle\` first.`);
  process.exit(1);
}
for (const tool of ['curl', 'tar', 'bash']) {
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
  `Preparing ${sizeName(SIZE)} and ${sizeName(BIG_SIZE)} snapshots (generated once, then cached)…`,
);

const atlas: AtlasEmulator = await startAtlasEmulator({ snapshotSize: SIZE });
const results: Record<string, unknown> = {
  machine,
  quick,
  dist: relative(ROOT, dist),
  sizes: { main: SIZE, big: BIG_SIZE },
};
const rows: Row[] = [];

try {
  await atlas.snapshotFile(BIG_SIZE);
  const served = await atlas.snapshotFile(SIZE);
  const inputs = (extra: Record<string, string> = {}) => emulatorInputs(atlas, extra);
  /** The action with `delivery: file`, which must report the served file's SHA-256. */
  const downloadFile = async (sha256: string) => {
    const run = await runAction(inputs({ delivery: 'file' }));
    if (run.outputs.sha256 !== sha256) throw new Error('the action reported another SHA-256');
    return run;
  };
  /** The action and `curl -o` of the same link, alternated, `reps` times each. */
  const downloadVsCurl = async (reps: number, url: string) => {
    const ours: Sample[] = [];
    const curls: Sample[] = [];
    for (let i = 0; i < reps; i++) {
      await alternated(
        i,
        async () => ours.push(await downloadFile(served.sha256)),
        async () => curls.push(await curlDownload(url)),
      );
      log(
        `  #${i + 1}: action ${seconds(ours.at(-1)?.wallMs ?? 0)}, curl ${seconds(curls.at(-1)?.wallMs ?? 0)}`,
      );
    }
    return { ours, curls };
  };

  // --- Atlas requests and the signed URL: `delivery: url`, job complete in the POST answer.
  log('delivery: url (Atlas requests, time to the first request)…');
  const urlRuns: { sample: Sample; requests: string[]; firstRequestMs: number }[] = [];
  let signedUrl = '';
  for (let i = 0; i < URL_REPS; i++) {
    const before = atlas.requests.length;
    const run = await runAction(inputs({ delivery: 'url' }));
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
  const badEnv = runnerEnv({ ...inputs(), 'group-id': 'not-a-project-id' });
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

  // --- Download + verification vs curl -o, alternated (order flips every repetition).
  log(`download + verification of ${sizeName(SIZE)} vs curl -o (${REPS}×)…`);
  await curlDownload(signedUrl); // warm-up: the served file into the page cache
  const { ours, curls } = await downloadVsCurl(REPS, signedUrl);
  results.download = {
    size: served.size,
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

  // --- The same at a network's speed instead of loopback's, alternated.
  log(`the same at ${NETWORK_BYTES_PER_SECOND * 8e-9} Gbit/s (${NETWORK_REPS}×)…`);
  atlas.faults.download.bytesPerSecond = NETWORK_BYTES_PER_SECOND;
  let network: { ours: Sample[]; curls: Sample[] };
  try {
    network = await downloadVsCurl(NETWORK_REPS, signedUrl);
  } finally {
    atlas.faults.download.bytesPerSecond = undefined;
  }
  const { ours: networkOurs, curls: networkCurls } = network;
  const floorMs = (served.size / NETWORK_BYTES_PER_SECOND) * 1000;
  if (networkCurls.some((s) => s.wallMs < floorMs * 0.95)) {
    throw new Error('curl beat the rate limit: the emulator did not throttle');
  }
  results.network = {
    bytesPerSecond: NETWORK_BYTES_PER_SECOND,
    actionMs: networkOurs.map((s) => s.wallMs),
    actionCpuSeconds: networkOurs.map((s) => s.cpuSeconds),
    curlMs: networkCurls.map((s) => s.wallMs),
  };

  // --- The same at the big size, for peak RSS.
  log(`peak RSS at ${sizeName(BIG_SIZE)} (${BIG_REPS}×)…`);
  const big = await atlas.snapshotFile(BIG_SIZE);
  const bigRuns: Sample[] = [];
  for (let i = 0; i < BIG_REPS; i++) {
    const run = await downloadFile(big.sha256);
    bigRuns.push(run);
    log(`  #${i + 1}: ${seconds(run.wallMs)}, ${mib(run.peakRssMiB ?? Number.NaN)}`);
  }
  results.big = {
    size: big.size,
    actionMs: bigRuns.map((s) => s.wallMs),
    actionRssMiB: bigRuns.map((s) => s.peakRssMiB),
  };
  await atlas.snapshotFile(SIZE);
  const extractUrl = (await runAction(inputs({ delivery: 'url' }))).outputs['snapshot-url'] ?? '';

  // --- extract-to vs curl | tar -xz, alternated.
  log(`extract-to vs curl | tar -xz (${EXTRACT_REPS}×)…`);
  const extracts: Sample[] = [];
  const curlTars: Sample[] = [];
  for (let i = 0; i < EXTRACT_REPS; i++) {
    const runOurs = async () => {
      const scratch = mkdtempSync(join(os.tmpdir(), 'bench-extract-'));
      try {
        extracts.push(
          await runAction(inputs({ delivery: 'file', 'extract-to': join(scratch, 'db') })),
        );
      } finally {
        rmSync(scratch, { recursive: true, force: true });
      }
    };
    const runCurl = async () => curlTars.push(await curlExtract(extractUrl));
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

  // --- Artifact upload of the same file: skipArchive (ours) vs a zip at level 6.
  log(`artifact upload of ${sizeName(SIZE)}: skipArchive vs zip level 6…`);
  const uploads: Record<string, Sample> = {};
  for (const mode of ['ours', 'zip'] as const) {
    const service = await startArtifactService();
    // A link of the cached snapshot in a directory of its own: the upload sees one file.
    const dir = mkdtempSync(join(os.tmpdir(), 'bench-upload-'));
    const file = join(dir, basename(served.path));
    try {
      try {
        linkSync(served.path, file);
      } catch {
        await copyFile(served.path, file);
      }
      const sample = await measure(
        process.execPath,
        [join(ROOT, 'scripts/bench.ts'), '--upload-child', mode, file, served.sha256],
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
    zipMs: uploads.zip?.wallMs,
    zipRssMiB: uploads.zip?.peakRssMiB,
  };

  // --- The table.
  const ourMs = median(ours.map((s) => s.wallMs));
  const curlMs = median(curls.map((s) => s.wallMs));
  const networkMs = median(networkOurs.map((s) => s.wallMs));
  const networkCurlMs = median(networkCurls.map((s) => s.wallMs));
  const plainNodeMs = median(plainNodes.map((s) => s.wallMs));
  const toolsMs = median(shells.map((s) => s.wallMs));
  const rssMain = maxOf(ours.map((s) => s.peakRssMiB));
  const rssBig = maxOf(bigRuns.map((s) => s.peakRssMiB));
  const growth = rssBig / rssMain - 1;
  const badMs = median(badInput.map((s) => s.wallMs));
  const nodeMs = median(nodeBare.map((s) => s.wallMs));
  const extractMs = median(extracts.map((s) => s.wallMs));
  const curlTarMs = median(curlTars.map((s) => s.wallMs));
  const maxRequests = Math.max(...requestCounts);
  rows.push(
    {
      measurement: `Download + verification, ${sizeName(SIZE)} (\`delivery: file\`), median of ${REPS}`,
      action: seconds(ourMs),
      reference: `\`curl -o\` ${seconds(curlMs)}`,
      ratio: ratio(ourMs / curlMs),
      target: `≤ ${ratio(TARGET.speedRatio)}`,
      met: ourMs / curlMs <= TARGET.speedRatio,
    },
    {
      measurement: 'CPU time (user + system) of the same runs, median',
      action: seconds(median(ours.map((s) => (s.cpuSeconds ?? Number.NaN) * 1000))),
      reference: `\`curl -o\` ${seconds(median(curls.map((s) => (s.cpuSeconds ?? Number.NaN) * 1000)))}`,
      ratio: '',
      target: '',
      met: undefined,
    },
    {
      measurement: `The same at ${NETWORK_BYTES_PER_SECOND * 8e-9} Gbit/s instead of loopback, median of ${NETWORK_REPS}`,
      action: seconds(networkMs),
      reference: `\`curl -o\` ${seconds(networkCurlMs)}`,
      ratio: ratio(networkMs / networkCurlMs),
      target: '',
      met: undefined,
    },
    {
      measurement: 'The same download by plain Node, verifying nothing (undici piped to a file)',
      action: seconds(ourMs),
      reference: `${seconds(plainNodeMs)}, ${mib(maxOf(plainNodes.map((s) => s.peakRssMiB)))}`,
      ratio: ratio(ourMs / plainNodeMs),
      target: '',
      met: undefined,
    },
    {
      measurement: 'The same verification by standard tools, streaming',
      action: seconds(ourMs),
      reference: `\`curl \\| tee >(sha256sum) \\| gzip -dc \\| tar -t\` ${seconds(toolsMs)}`,
      ratio: ratio(ourMs / toolsMs),
      target: '',
      met: undefined,
    },
    {
      measurement: `Peak RSS, ${sizeName(SIZE)}`,
      action: mib(rssMain),
      reference: `\`curl -o\` ${mib(maxOf(curls.map((s) => s.peakRssMiB)))}`,
      ratio: '',
      target: `≤ ${TARGET.rssMiB} MiB`,
      met: rssMain <= TARGET.rssMiB,
    },
    {
      measurement: `Peak RSS, ${sizeName(BIG_SIZE)}`,
      action: mib(rssBig),
      reference: '',
      ratio: '',
      target: `≤ ${TARGET.rssMiB} MiB`,
      met: rssBig <= TARGET.rssMiB,
    },
    {
      measurement: `Peak RSS, ${sizeName(BIG_SIZE)} against ${sizeName(SIZE)}`,
      action: `${growth >= 0 ? '+' : ''}${(growth * 100).toFixed(1)} %`,
      reference: '',
      ratio: '',
      target: `within ${TARGET.rssGrowth * 100} %`,
      met: Math.abs(growth) <= TARGET.rssGrowth,
    },
    {
      measurement: `With \`extract-to\`, ${sizeName(SIZE)}, median of ${EXTRACT_REPS}`,
      action: seconds(extractMs),
      reference: `\`curl \\| tar -xz\` ${seconds(curlTarMs)}`,
      ratio: ratio(extractMs / curlTarMs),
      target: '',
      met: undefined,
    },
    {
      measurement: `Run failing on a bad input, median of ${STARTUP_REPS}`,
      action: millis(badMs),
      reference: `\`node -e 0\` ${millis(nodeMs)}`,
      ratio: ratio(badMs / nodeMs),
      target: `≤ ${ratio(TARGET.startupRatio)}`,
      met: badMs / nodeMs <= TARGET.startupRatio,
    },
    {
      measurement: 'Process start to first Atlas request',
      action: millis(firstRequestMs),
      reference: `\`node -e 0\` ${millis(nodeMs)}`,
      ratio: '',
      target: '',
      met: undefined,
    },
    {
      measurement: `Artifact upload, ${sizeName(SIZE)}`,
      action: `skipArchive ${seconds(uploads.ours?.wallMs ?? Number.NaN)}`,
      reference: `zip level 6 ${seconds(uploads.zip?.wallMs ?? Number.NaN)}`,
      ratio: ratio((uploads.ours?.wallMs ?? Number.NaN) / (uploads.zip?.wallMs ?? Number.NaN)),
      target: '',
      met: undefined,
    },
    {
      measurement: 'Atlas requests, `delivery: url`, job complete at once',
      action: String(maxRequests),
      reference: (urlRuns[0]?.requests ?? []).map(requestName).join(', '),
      ratio: '',
      target: `≤ ${TARGET.atlasRequests}`,
      met: maxRequests <= TARGET.atlasRequests,
    },
  );
  results.table = rows;
} finally {
  await atlas.close();
}

const rendered = table(rows);
console.log(
  `\n${machine.cpus} vCPU ${machine.cpuModel}, ${machine.memoryGiB} GiB RAM, Node ${machine.node}, ${machine.platform}${quick ? ' (--quick)' : ''}\n`,
);
console.log(rendered);
mkdirSync(dirname(flags.out), { recursive: true });
await writeFile(flags.out, `${JSON.stringify({ ...results, markdown: rendered }, null, 2)}\n`);
console.log(`\nSamples: ${flags.out}`);
