import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ArtifactService, startArtifactService } from '../emulator/artifact.ts';
import {
  type AtlasEmulator,
  type EmulatedRestoreJob,
  newestCompletedDedicated,
  startAtlasEmulator,
} from '../emulator/atlas.ts';
import { isoTime } from '../emulator/model.ts';
import {
  type ActionRun,
  emulatorInputs,
  errorLines,
  removeRunDirectories,
  runAction,
} from './run-action.ts';

// The bundled action against the emulator's dedicated clusters: Cloud Backup snapshots and
// download jobs with one-time links. The clock is real, so jobs get their link in the POST's
// answer (linkAfterPolls 0) unless a test is about the polling.
afterEach(removeRunDirectories);

let atlas: AtlasEmulator;
let artifacts: ArtifactService;

beforeAll(async () => {
  artifacts = await startArtifactService();
});
afterAll(async () => {
  await artifacts.close();
});
beforeEach(async () => {
  // Each new download job moves the emulator's clock a minute on, so two jobs of one run never
  // share an expiresAt to the second, and an output from the wrong job shows.
  let created: { jobs: Map<string, unknown>; restoreJobs: Map<string, unknown> } | undefined;
  const shift = () => (created === undefined ? 0 : created.jobs.size + created.restoreJobs.size);
  atlas = await startAtlasEmulator({
    restoreJobSchedule: { linkAfterPolls: 0 },
    now: () => Date.now() + shift() * 60_000,
  });
  created = atlas;
});
afterEach(async () => {
  await atlas.close();
});

const inputs = (cluster: string, extra: Record<string, string> = {}) =>
  emulatorInputs(atlas, { 'cluster-name': cluster, ...extra });

const sha256Of = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

/** Every file and directory below `dir`, relative to it. */
function tree(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
}

function cloudBackupOf(name: string) {
  const backup = atlas.clusters.get(name)?.cloudBackup;
  if (backup === undefined) throw new Error(`no Cloud Backup on ${name}`);
  return backup;
}

/** What a correct client picks: newest completed by createdAt, never the newer fallback one. */
function expectedSnapshot(name: string) {
  const backup = cloudBackupOf(name);
  const pick = newestCompletedDedicated(backup);
  if (pick === undefined) throw new Error(`no completed snapshot on ${name}`);
  // The seeded trap is there: a completed fallback snapshot newer than the right answer.
  const newer = backup.snapshots.filter(
    (s) => s.status === 'completed' && (s.createdAt ?? '') > (pick.createdAt ?? ''),
  );
  expect(newer.map((s) => s.snapshotType)).toEqual(['fallback']);
  return pick;
}

const jobs = (): EmulatedRestoreJob[] => [...atlas.restoreJobs.values()];

function onlyJob(): EmulatedRestoreJob {
  const all = jobs();
  expect(all).toHaveLength(1);
  return all[0] as EmulatedRestoreJob;
}

/** API requests as `METHOD path`, the group prefix dropped and ids shown as {id}. */
function apiCalls(): string[] {
  return atlas.requests
    .filter((r) => r.server === 'atlas' && r.path.startsWith('/api/atlas/v2/'))
    .map(
      (r) =>
        `${r.method} ${r.path.replace(`/api/atlas/v2/groups/${atlas.groupId}`, '').replace(/\/[a-f0-9]{24}(?=\/|$)/g, '/{id}')}`,
    );
}

function expectOneError(run: ActionRun, message: RegExp | string): string {
  expect(run.code, run.stdout).not.toBe(0);
  const errors = errorLines(run);
  expect(errors, run.stdout).toHaveLength(1);
  if (typeof message === 'string') expect(errors[0]).toBe(message);
  else expect(errors[0]).toMatch(message);
  return errors[0] ?? '';
}

interface FileEntry {
  name: string;
  path: string;
  size: number;
  sha256: string;
  replicaSetName?: string;
}

const filesOf = (run: ActionRun): FileEntry[] => JSON.parse(run.outputs.files ?? '[]');

/** The job facts every delivery reports, checked against the emulator's job. */
async function expectJobOutputs(run: ActionRun, job: EmulatedRestoreJob, cluster: string) {
  const snapshot = expectedSnapshot(cluster);
  const served = await atlas.restoreFiles(job.id);
  expect(run.outputs['snapshot-id']).toBe(snapshot.id);
  expect(job.snapshotId).toBe(snapshot.id);
  expect(run.outputs['cluster-type']).toBe('dedicated');
  expect(run.outputs['restore-job-id']).toBe(job.id);
  expect(run.outputs['snapshot-url']).toBe(served.map((f) => f.url).join('\n'));
  for (const file of served) expect(file.url.startsWith(`${atlas.restoreUrl}/`)).toBe(true);
  expect(run.outputs['expires-at']).toBe(isoTime(job.expiresAt ?? 0));
  expect(run.outputs['snapshot-finished-at']).toBe(snapshot.createdAt);
  expect(run.outputs['mongodb-version']).toBe(snapshot.mongodVersion);
  // Every link was masked before anything could print it.
  for (const file of served) expect(run.stdout).toContain(`::add-mask::${file.url}`);
  expect(run.summary).toContain(job.id);
  expect(run.summary).toContain(snapshot.id);
  expect(run.summary).toContain(isoTime(job.expiresAt ?? 0));
  return served;
}

describe('a dedicated replica set', () => {
  it('file: the newest completed non-fallback snapshot, verified, every output right', async () => {
    // One poll before the link, as on Atlas (where the first ones say it is being prepared).
    atlas.faults.restoreJobSchedule = { linkAfterPolls: 1 };
    const run = await runAction(inputs('dedicated-cluster', { delivery: 'file' }));
    expect(run.code, run.stdout).toBe(0);
    const job = onlyJob();
    const [served] = await expectJobOutputs(run, job, 'dedicated-cluster');
    expect(served?.url).not.toContain('\n');
    const path = join(
      run.dirs.temp,
      'atlas-snapshots',
      `dedicated-cluster-${run.outputs['snapshot-id']}.tar.gz`,
    );
    expect(run.outputs.path).toBe(path);
    expect(run.outputs.size).toBe(String(served?.file.size));
    expect(run.outputs.sha256).toBe(served?.file.sha256);
    expect(sha256Of(readFileSync(path))).toBe(served?.file.sha256);
    expect(filesOf(run)).toEqual([
      {
        name: `dedicated-cluster-${run.outputs['snapshot-id']}.tar.gz`,
        path,
        size: served?.file.size,
        sha256: served?.file.sha256,
      },
    ]);
    expect(run.outputs['extracted-to']).toBeUndefined();
    expect(run.outputs['artifact-id']).toBeUndefined();
    expect(run.stdout).toMatch(/Skipping snapshot [a-f0-9]{24} .*fallback snapshot/);
    expect(run.summary).toContain(served?.file.sha256);
    // The job delivered its file: it is not cancelled, and nothing is left beside the file.
    expect(job.cancelled).toBe(false);
    expect(tree(join(run.dirs.temp, 'atlas-snapshots'))).toEqual([
      `dedicated-cluster-${run.outputs['snapshot-id']}.tar.gz`,
    ]);
  });

  it('file with extract-to: the data directory unpacked beside the verified file', async () => {
    const run = await runAction(
      inputs('dedicated-cluster', { delivery: 'file', 'extract-to': 'db' }),
    );
    expect(run.code, run.stdout).toBe(0);
    const [served] = await expectJobOutputs(run, onlyJob(), 'dedicated-cluster');
    expect(run.outputs.sha256).toBe(served?.file.sha256);
    const dir = join(run.dirs.workspace, 'db');
    expect(run.outputs['extracted-to']).toBe(dir);
    const unpacked = tree(dir);
    expect(unpacked.some((entry) => /WiredTiger/.test(entry))).toBe(true);
    expect(unpacked.some((entry) => /journal/.test(entry))).toBe(true);
    expect(run.summary).toContain(dir);
  });

  it('artifact: the raw .tar.gz uploaded as it is', async () => {
    const run = await runAction(inputs('dedicated-cluster'), { env: artifacts.env });
    expect(run.code, run.stdout).toBe(0);
    const [served] = await expectJobOutputs(run, onlyJob(), 'dedicated-cluster');
    const name = `dedicated-cluster-${run.outputs['snapshot-id']}.tar.gz`;
    const stored = artifacts.artifacts.get(name);
    expect(stored?.finalized).toBe(true);
    expect(stored?.sha256).toBe(served?.file.sha256);
    expect(run.outputs.sha256).toBe(served?.file.sha256);
    expect(run.outputs['artifact-id']).toBe(String(stored?.id));
    expect(run.outputs['artifact-digest']).toBe(served?.file.sha256);
    expect(run.outputs['artifact-url']).toBe(
      `https://github.com/${artifacts.env.GITHUB_REPOSITORY}/actions/runs/${artifacts.env.GITHUB_RUN_ID}/artifacts/${stored?.id}`,
    );
    expect(filesOf(run)).toHaveLength(1);
    expect(run.summary).toContain(run.outputs['artifact-url']);
  });
});

describe('a dedicated sharded cluster', () => {
  const SETS = ['sharded-cluster-shard-0', 'sharded-cluster-shard-1', 'sharded-cluster-config-0'];

  /** The directory, SHA256SUMS and the `files` output against what the job served. */
  async function expectShardedFiles(run: ActionRun) {
    const job = onlyJob();
    expect(job.sharded).toBe(true);
    const served = await expectJobOutputs(run, job, 'sharded-cluster');
    expect(served.map((f) => f.replicaSetName)).toEqual(SETS);
    expect(run.outputs['snapshot-url']?.split('\n')).toHaveLength(3);
    const dir = join(
      run.dirs.temp,
      'atlas-snapshots',
      `sharded-cluster-${run.outputs['snapshot-id']}`,
    );
    expect(run.outputs.path).toBe(dir);
    expect(statSync(dir).isDirectory()).toBe(true);
    expect(tree(dir)).toEqual([...SETS.map((s) => `${s}.tar.gz`), 'SHA256SUMS'].sort());
    const files = filesOf(run);
    expect(files).toEqual(
      served.map((f) => ({
        name: `${f.replicaSetName}.tar.gz`,
        path: join(dir, `${f.replicaSetName}.tar.gz`),
        size: f.file.size,
        sha256: f.file.sha256,
        replicaSetName: f.replicaSetName,
      })),
    );
    // The URLs are in the order of `files`.
    expect(run.outputs['snapshot-url']).toBe(served.map((f) => f.url).join('\n'));
    // Each file is a distinct, verified one.
    expect(new Set(files.map((f) => f.sha256)).size).toBe(3);
    for (const file of files) expect(sha256Of(readFileSync(file.path))).toBe(file.sha256);
    const sums = readFileSync(join(dir, 'SHA256SUMS'), 'utf8');
    expect(sums).toBe(files.map((f) => `${f.sha256}  ${f.name}\n`).join(''));
    // What `sha256sum -c` reads, run in the directory.
    expect(execFileSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: dir, encoding: 'utf8' })).toBe(
      files.map((f) => `${f.name}: OK\n`).join(''),
    );
    expect(run.outputs.sha256).toBe(sha256Of(sums));
    expect(run.outputs.size).toBe(String(served.reduce((sum, f) => sum + f.file.size, 0)));
    for (const file of files) expect(run.summary).toContain(file.sha256);
    return { dir, files, served };
  }

  it('file: a directory of one verified .tar.gz per shard and config server, with SHA256SUMS', async () => {
    const run = await runAction(inputs('sharded-cluster', { delivery: 'file' }));
    expect(run.code, run.stdout).toBe(0);
    await expectShardedFiles(run);
    expect(run.outputs['extracted-to']).toBeUndefined();
    // Each component link fetched once, in full.
    expect(onlyJob().components.map((c) => [c.requests, c.used])).toEqual([
      [1, true],
      [1, true],
      [1, true],
    ]);
  });

  it('file with extract-to: one subdirectory per replica set', async () => {
    const run = await runAction(
      inputs('sharded-cluster', { delivery: 'file', 'extract-to': 'db' }),
    );
    expect(run.code, run.stdout).toBe(0);
    await expectShardedFiles(run);
    const dir = join(run.dirs.workspace, 'db');
    expect(run.outputs['extracted-to']).toBe(dir);
    expect(readdirSync(dir).sort()).toEqual([...SETS].sort());
    for (const set of SETS) {
      expect(tree(join(dir, set)).some((entry) => /WiredTiger/.test(entry))).toBe(true);
    }
  });

  it('artifact: one artifact named without .tar.gz, holding every file and SHA256SUMS, stored', async () => {
    const run = await runAction(inputs('sharded-cluster'), { env: artifacts.env });
    expect(run.code, run.stdout).toBe(0);
    const { dir, files } = await expectShardedFiles(run);
    const name = `sharded-cluster-${run.outputs['snapshot-id']}`;
    expect([...artifacts.artifacts.keys()].filter((key) => key.startsWith('sharded-'))).toEqual([
      name,
    ]);
    const stored = artifacts.artifacts.get(name);
    expect(stored?.finalized).toBe(true);
    expect(run.outputs['artifact-id']).toBe(String(stored?.id));
    expect(run.outputs['artifact-digest']).toBe(stored?.sha256);
    expect(run.summary).toContain(run.outputs['artifact-url']);
    // A zip of the files as they are: each entry stored, not deflated again.
    const zip = stored?.path ?? '';
    const listing = execFileSync('zipinfo', [zip], { encoding: 'utf8' });
    const entries = listing
      .split('\n')
      .filter((line) => /^[-d]/.test(line))
      .map((line) => {
        const fields = line.trim().split(/\s+/);
        return { name: fields.at(-1) ?? '', method: fields[5] ?? '' };
      });
    expect(entries.map((e) => e.name).sort()).toEqual(
      [...files.map((f) => f.name), 'SHA256SUMS'].sort(),
    );
    for (const entry of entries) expect(entry.method, listing).toBe('stor');
    for (const file of files) {
      const inside = execFileSync('unzip', ['-p', zip, file.name], { maxBuffer: 64 << 20 });
      expect(sha256Of(inside)).toBe(file.sha256);
    }
    expect(execFileSync('unzip', ['-p', zip, 'SHA256SUMS'], { encoding: 'utf8' })).toBe(
      readFileSync(join(dir, 'SHA256SUMS'), 'utf8'),
    );
  });
});

describe('auto-detection and its cost in requests', () => {
  it('a Flex cluster costs no request more with auto than with cluster-type flex', async () => {
    const auto = await runAction(inputs('flex-cluster', { delivery: 'url' }));
    expect(auto.code, auto.stdout).toBe(0);
    const autoCalls = apiCalls();
    atlas.requests.length = 0;
    const flex = await runAction(
      inputs('flex-cluster', { delivery: 'url', 'cluster-type': 'flex' }),
    );
    expect(flex.code, flex.stdout).toBe(0);
    expect(auto.outputs['cluster-type']).toBe('flex');
    expect(autoCalls).toEqual([
      'GET /flexClusters/flex-cluster/backup/snapshots',
      'POST /flexClusters/flex-cluster/backup/download',
    ]);
    expect(apiCalls()).toEqual(autoCalls);
  });

  it('a dedicated cluster costs the Flex probe, then its description decides', async () => {
    const auto = await runAction(inputs('dedicated-cluster', { delivery: 'url' }));
    expect(auto.code, auto.stdout).toBe(0);
    expect(auto.outputs['cluster-type']).toBe('dedicated');
    const autoCalls = apiCalls();
    expect(autoCalls).toEqual([
      'GET /flexClusters/dedicated-cluster/backup/snapshots',
      'GET /clusters/dedicated-cluster',
      'GET /clusters/dedicated-cluster/backup/snapshots',
      'POST /clusters/dedicated-cluster/backup/restoreJobs',
    ]);
    expect(atlas.requests.find((r) => r.path.includes('/flexClusters/'))?.status).toBe(400);
    // A second run would be refused while the first job is live: let it go.
    for (const job of jobs()) job.cancelled = true;
    atlas.requests.length = 0;
    const named = await runAction(
      inputs('dedicated-cluster', { delivery: 'url', 'cluster-type': 'dedicated' }),
    );
    expect(named.code, named.stdout).toBe(0);
    // Exactly one request more with auto: the Flex API's refusal, which is the probe.
    expect(apiCalls()).toEqual(autoCalls.slice(1));
  });

  it('a sharded cluster: its description sends it to the sharded snapshot list', async () => {
    const run = await runAction(inputs('sharded-cluster', { delivery: 'url' }));
    expect(run.code, run.stdout).toBe(0);
    expect(apiCalls()).toEqual([
      'GET /flexClusters/sharded-cluster/backup/snapshots',
      'GET /clusters/sharded-cluster',
      'GET /clusters/sharded-cluster/backup/snapshots/shardedClusters',
      'POST /clusters/sharded-cluster/backup/restoreJobs',
    ]);
    expect(run.outputs['snapshot-url']?.split('\n')).toHaveLength(3);
  });
});

describe('an active download job of the snapshot', () => {
  /** A live job of the snapshot left by an earlier run (delivery url leaves it live). */
  async function earlierJob(): Promise<EmulatedRestoreJob> {
    const first = await runAction(inputs('dedicated-cluster', { delivery: 'url' }));
    expect(first.code, first.stdout).toBe(0);
    const job = onlyJob();
    expect(job.cancelled).toBe(false);
    atlas.requests.length = 0;
    return job;
  }

  it('is used instead of failing on CANNOT_DOWNLOAD_SNAPSHOT_CONCURRENTLY', async () => {
    const job = await earlierJob();
    const run = await runAction(inputs('dedicated-cluster', { delivery: 'file' }));
    expect(run.code, run.stdout).toBe(0);
    expect(onlyJob().id).toBe(job.id);
    expect(run.stdout).toContain(
      `A download of snapshot ${job.snapshotId} is already active (job ${job.id}`,
    );
    const refused = atlas.requests.find(
      (r) => r.method === 'POST' && r.path.endsWith('/restoreJobs'),
    );
    expect(refused?.status).toBe(400);
    const [served] = await expectJobOutputs(run, job, 'dedicated-cluster');
    expect(run.outputs.sha256).toBe(served?.file.sha256);
    expect(job.cancelled).toBe(false);
    expect(atlas.requests.some((r) => r.method === 'DELETE')).toBe(false);
  });

  it('whose one-time link was already used: cancelled, renewed, and the new job delivers', async () => {
    const old = await earlierJob();
    // Someone downloaded it already: the link is spent.
    const [spent] = await atlas.restoreFiles(old.id);
    const body = await (await fetch(spent?.url ?? '')).arrayBuffer();
    expect(body.byteLength).toBe(spent?.file.size);
    expect(old.components[0]?.used).toBe(true);
    atlas.requests.length = 0;

    const run = await runAction(inputs('dedicated-cluster', { delivery: 'file' }));
    expect(run.code, run.stdout).toBe(0);
    const all = jobs();
    expect(all).toHaveLength(2);
    const renewed = all[1] as EmulatedRestoreJob;
    expect(old.cancelled).toBe(true);
    expect(renewed.cancelled).toBe(false);
    expect(atlas.requests.filter((r) => r.method === 'DELETE').map((r) => r.path)).toEqual([
      expect.stringMatching(new RegExp(`/restoreJobs/${old.id}$`)),
    ]);
    expect(run.stdout).toMatch(/link expired or was refused \(HTTP 410/);
    // Every output and the summary describe the job and link that delivered the file.
    const [served] = await expectJobOutputs(run, renewed, 'dedicated-cluster');
    expect(run.outputs['snapshot-url']).not.toBe(spent?.url);
    expect(run.outputs['expires-at']).not.toBe(isoTime(old.expiresAt ?? 0));
    expect(run.summary).not.toContain(old.id);
    expect(run.outputs.sha256).toBe(served?.file.sha256);
    expect(sha256Of(readFileSync(run.outputs.path ?? ''))).toBe(served?.file.sha256);
  });

  it('a sharded cluster whose first link is refused: the renewed job serves every file left', async () => {
    atlas.faults.oneTimeLinks.reset = { afterBytes: 512 * 1024, times: 1 };
    atlas.faults.oneTimeLinks.refuseRepeat = true;
    const run = await runAction(inputs('sharded-cluster', { delivery: 'file' }));
    expect(run.code, run.stdout).toBe(0);
    // One renewal, not one per file: the other shards come from the new job too.
    expect(jobs()).toHaveLength(2);
    expect(atlas.requests.filter((r) => r.method === 'DELETE')).toHaveLength(1);
    const restore = atlas.requests.filter((r) => r.server === 'restore');
    expect(restore.map((r) => r.status)).toEqual([200, 410, 200, 200, 200]);
    const renewed = jobs()[1] as EmulatedRestoreJob;
    expect(run.outputs['restore-job-id']).toBe(renewed.id);
    const served = await atlas.restoreFiles(renewed.id);
    const files = JSON.parse(run.outputs.files ?? '[]') as { sha256: string }[];
    expect(files.map((f) => f.sha256)).toEqual(served.map((f) => f.file.sha256));
  });

  it('a host that refuses to resume a one-time link: a new job, the file started over', async () => {
    atlas.faults.oneTimeLinks.reset = { afterBytes: 512 * 1024, times: 1 };
    atlas.faults.oneTimeLinks.refuseRepeat = true;
    const run = await runAction(
      inputs('dedicated-cluster', { delivery: 'file', 'extract-to': 'db' }),
    );
    expect(run.code, run.stdout).toBe(0);
    const [first, renewed] = jobs();
    expect(jobs()).toHaveLength(2);
    expect(first?.cancelled).toBe(true);
    expect(renewed?.cancelled).toBe(false);
    expect(run.stdout).toContain('starting this file over');
    const restore = atlas.requests.filter((r) => r.server === 'restore');
    expect(restore.map((r) => r.status)).toEqual([200, 410, 200]);
    const [served] = await expectJobOutputs(
      run,
      renewed as EmulatedRestoreJob,
      'dedicated-cluster',
    );
    expect(run.outputs.sha256).toBe(served?.file.sha256);
    expect(tree(join(run.dirs.workspace, 'db')).some((e) => /WiredTiger/.test(e))).toBe(true);
    expect(tree(join(run.dirs.temp, 'atlas-snapshots'))).toEqual([
      `dedicated-cluster-${run.outputs['snapshot-id']}.tar.gz`,
    ]);
  });
});

describe('a wait that runs out', () => {
  it.each(['file', 'url'])(
    'cancels the job it created (delivery %s), so the next run is not refused',
    async (delivery) => {
      atlas.faults.restoreJobSchedule = { linkAfterPolls: 100 };
      const run = await runAction(inputs('dedicated-cluster', { delivery, 'wait-timeout': '1s' }));
      expectOneError(run, /had no download URL after 1 s .*wait-timeout is 1 s/);
      const job = onlyJob();
      expect(job.cancelled).toBe(true);
      expect(atlas.requests.filter((r) => r.method === 'DELETE').map((r) => r.path)).toEqual([
        expect.stringMatching(new RegExp(`/restoreJobs/${job.id}$`)),
      ]);
    },
  );
});

describe('a download job that ends without a link', () => {
  it.each([
    ['failed', 'FAILED'],
    ['cancelled', 'was cancelled'],
    ['expired', 'expired'],
  ] as const)('%s: fails with what happened and what to do', async (end, said) => {
    atlas.faults.restoreJobSchedule = { linkAfterPolls: 0, end };
    const run = await runAction(inputs('dedicated-cluster', { delivery: 'file' }));
    const job = onlyJob();
    const message = expectOneError(
      run,
      new RegExp(
        `^Atlas download job ${job.id} ${said} after \\d+ s without a download link\\. Run the job again; if it keeps failing, check the snapshot in the cluster's Backup tab or contact MongoDB support\\.$`,
      ),
    );
    expect(message).not.toContain('undefined');
    expect(run.outputs['snapshot-url']).toBeUndefined();
    expect(run.outputs['restore-job-id']).toBeUndefined();
    expect(atlas.requests.some((r) => r.server === 'restore')).toBe(false);
    expect(tree(join(run.dirs.temp, 'atlas-snapshots'))).toEqual([]);
  });
});

describe('cancellation of the run mid-download', () => {
  it('SIGINT: exits non-zero, no partial file, and the job is cancelled in Atlas', async () => {
    atlas.faults.oneTimeLinks.bytesPerSecond = 256 * 1024;
    let sentAt = 0;
    const run = await runAction(
      inputs('dedicated-cluster', { delivery: 'file', 'extract-to': 'db' }),
      {
        onStdout: (text, child) => {
          if (sentAt === 0 && text.includes('Downloading the snapshot from')) {
            sentAt = performance.now();
            setTimeout(() => child.kill('SIGINT'), 300);
          }
        },
      },
    );
    expect(sentAt).toBeGreaterThan(0);
    expect(run.code).not.toBe(0);
    expect(errorLines(run)).toEqual([expect.stringMatching(/cancel/i)]);
    expect(performance.now() - sentAt).toBeLessThan(5_000);
    const job = onlyJob();
    expect(job.components[0]?.used).toBe(false);
    expect(job.cancelled).toBe(true);
    expect(
      atlas.requests.filter((r) => r.method === 'DELETE').map((r) => [r.path, r.status]),
    ).toEqual([[expect.stringMatching(new RegExp(`/restoreJobs/${job.id}$`)), 204]]);
    expect(run.stdout).toContain(`Cancelled download job ${job.id}`);
    expect(tree(join(run.dirs.temp, 'atlas-snapshots'))).toEqual([]);
    expect(tree(run.dirs.workspace)).toEqual([]);
  });

  it('SIGINT during the second shard: the first shard goes too, and the job is cancelled', async () => {
    // The first file takes about a second, the second long enough to be cancelled in flight.
    atlas.faults.oneTimeLinks.bytesPerSecond = 2 * 1024 * 1024;
    let sentAt = 0;
    const run = await runAction(
      inputs('sharded-cluster', { delivery: 'file', 'extract-to': 'db' }),
      {
        onStdout: (text, child) => {
          if (sentAt === 0 && text.includes('(2 of 3)')) {
            sentAt = performance.now();
            setTimeout(() => child.kill('SIGINT'), 200);
          }
        },
      },
    );
    expect(sentAt).toBeGreaterThan(0);
    expect(run.code).not.toBe(0);
    expect(errorLines(run)).toEqual([expect.stringMatching(/cancel/i)]);
    const job = onlyJob();
    expect(job.components.map((c) => c.used)).toEqual([true, false, false]);
    expect(job.cancelled).toBe(true);
    expect(atlas.requests.filter((r) => r.method === 'DELETE')).toHaveLength(1);
    expect(tree(join(run.dirs.temp, 'atlas-snapshots'))).toEqual([]);
    expect(tree(run.dirs.workspace)).toEqual([]);
  });
});

describe('a lost answer to the POST that creates the job (issue 11)', () => {
  it.each([
    ['flex-cluster', 'reset'],
    ['flex-cluster', 502],
    ['dedicated-cluster', 'reset'],
    ['dedicated-cluster', 502],
  ] as const)('%s, answer lost as %s: one job, found and used', async (cluster, as) => {
    atlas.faults.loseCreateAnswer = 1;
    atlas.faults.loseCreateAnswerAs = as;
    const run = await runAction(inputs(cluster, { delivery: 'file' }));
    expect(run.code, run.stdout).toBe(0);
    expect(atlas.faults.loseCreateAnswer).toBe(0);
    const created = cluster === 'flex-cluster' ? [...atlas.jobs.values()] : jobs();
    expect(atlas.jobs.size + atlas.restoreJobs.size).toBe(1);
    const [job] = created;
    expect(run.outputs['restore-job-id']).toBe(job?.id);
    expect(run.stdout).toContain(
      `Atlas had created job ${job?.id} before the answer was lost; using it.`,
    );
    const posts = atlas.requests.filter(
      (r) => r.method === 'POST' && /\/(download|restoreJobs)$/.test(r.path),
    );
    expect(posts).toHaveLength(1);
    if (cluster === 'dedicated-cluster') {
      const [served] = await expectJobOutputs(run, job as EmulatedRestoreJob, cluster);
      expect(run.outputs.sha256).toBe(served?.file.sha256);
    } else {
      expect(run.outputs.sha256).toBe((await atlas.snapshotFile()).sha256);
    }
  });
});
