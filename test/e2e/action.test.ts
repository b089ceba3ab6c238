import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ArtifactService, startArtifactService } from '../emulator/artifact.ts';
import { type AtlasEmulator, startAtlasEmulator } from '../emulator/atlas.ts';
import {
  emulatorInputs,
  errorLines,
  findOlderNode,
  removeRunDirectories,
  runAction,
} from './run-action.ts';

// Each run's RUNNER_TEMP and workspace, downloads included, go once the test has looked at them.
afterEach(removeRunDirectories);

// The bundled action as the runner starts it, against the emulators on 127.0.0.1.
let atlas: AtlasEmulator;
let artifacts: ArtifactService;
let snapshot: { path: string; size: number; sha256: string };

beforeAll(async () => {
  artifacts = await startArtifactService();
});
afterAll(async () => {
  await artifacts.close();
});
beforeEach(async () => {
  atlas = await startAtlasEmulator();
  snapshot = await atlas.snapshotFile();
});
afterEach(async () => {
  await atlas.close();
});

const serviceAccount = (extra: Record<string, string> = {}) => emulatorInputs(atlas, extra);

function apiKey(extra: Record<string, string> = {}): Record<string, string> {
  const { 'client-id': _, 'client-secret': __, ...rest } = serviceAccount();
  return {
    ...rest,
    'public-key': atlas.credentials.publicKey,
    'private-key': atlas.credentials.privateKey,
    ...extra,
  };
}

const sha256Of = (path: string): string =>
  createHash('sha256').update(readFileSync(path)).digest('hex');

describe('delivery', () => {
  it('url: emits the signed URL and the snapshot facts, masked, and downloads nothing', async () => {
    const run = await runAction(serviceAccount({ delivery: 'url' }));
    expect(run.code, run.stdout).toBe(0);
    expect(run.outputs['cluster-type']).toBe('flex');
    expect(run.outputs['snapshot-id']).toMatch(/^[a-f0-9]{24}$/);
    expect(run.outputs['restore-job-id']).toMatch(/^[a-f0-9]{24}$/);
    expect(run.outputs['snapshot-url']).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/.+Signature=/);
    expect(run.outputs['expires-at']).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(run.outputs['mongodb-version']).toMatch(/^\d+\.\d+/);
    expect(run.outputs.path).toBeUndefined();
    expect(run.stdout).toContain(`::add-mask::${run.outputs['snapshot-url']}`);
    expect(atlas.requests.filter((r) => r.path.startsWith('/files/'))).toHaveLength(0);
    expect(run.summary).toContain(run.outputs['snapshot-id']);
    expect(run.summary).not.toContain(run.outputs['snapshot-url']);
  });

  it('file: leaves a verified snapshot at the default path under RUNNER_TEMP', async () => {
    const run = await runAction(serviceAccount({ delivery: 'file' }));
    expect(run.code, run.stdout).toBe(0);
    const id = run.outputs['snapshot-id'];
    expect(run.outputs.path).toBe(
      join(run.dirs.temp, 'atlas-snapshots', `flex-cluster-${id}.tar.gz`),
    );
    expect(run.outputs.size).toBe(String(snapshot.size));
    expect(run.outputs.sha256).toBe(snapshot.sha256);
    expect(sha256Of(run.outputs.path ?? '')).toBe(snapshot.sha256);
    expect(run.summary).toContain(snapshot.sha256);
  });

  it('file with extract-to: unpacks while downloading', async () => {
    const run = await runAction(serviceAccount({ delivery: 'file', 'extract-to': 'db' }));
    expect(run.code, run.stdout).toBe(0);
    expect(run.outputs['extracted-to']).toBe(join(run.dirs.workspace, 'db'));
    expect(readdirSync(run.outputs['extracted-to'] ?? '').length).toBeGreaterThan(0);
  });

  it('artifact: uploads the file as it is and reports where it is', async () => {
    const name = `nightly-${Date.now()}.tar.gz`;
    const run = await runAction(serviceAccount({ 'artifact-name': name, 'retention-days': '3' }), {
      env: artifacts.env,
    });
    expect(run.code, run.stdout).toBe(0);
    const stored = artifacts.artifacts.get(name);
    expect(stored?.finalized).toBe(true);
    expect(stored?.sha256).toBe(snapshot.sha256);
    expect(run.outputs['artifact-id']).toBe(String(stored?.id));
    expect(run.outputs['artifact-digest']).toBe(snapshot.sha256);
    expect(run.outputs['artifact-url']).toBe(
      `https://github.com/${artifacts.env.GITHUB_REPOSITORY}/actions/runs/${artifacts.env.GITHUB_RUN_ID}/artifacts/${stored?.id}`,
    );
    expect(run.summary).toContain(run.outputs['artifact-url']);
  });

  it('artifact through a legacy API key and the shared-tier API', async () => {
    const run = await runAction(apiKey({ 'cluster-name': 'shared-cluster' }), {
      env: artifacts.env,
    });
    expect(run.code, run.stdout).toBe(0);
    expect(run.outputs['cluster-type']).toBe('shared');
    expect(
      artifacts.artifacts.get(`shared-cluster-${run.outputs['snapshot-id']}.tar.gz`)?.sha256,
    ).toBe(snapshot.sha256);
  });
});

// The action runs on node24, and keeps working on Node 20 and later: the V8 flags index.ts sets
// at startup, the source-map switch and the bundle's syntax included.
const olderNode = findOlderNode();
describe.skipIf(olderNode === undefined)(
  'on an older Node from PATH (20 to 23; skipped without one)',
  () => {
    it('artifact with extract-to, with step debug logging', async () => {
      const run = await runAction(serviceAccount({ 'extract-to': 'db' }), {
        node: olderNode,
        env: { ...artifacts.env, RUNNER_DEBUG: '1' },
      });
      expect(run.code, run.stdout).toBe(0);
      expect(run.stderr).toBe('');
      expect(run.outputs.sha256).toBe(snapshot.sha256);
      expect(readdirSync(run.outputs['extracted-to'] ?? '').length).toBeGreaterThan(0);
      expect(
        artifacts.artifacts.get(`flex-cluster-${run.outputs['snapshot-id']}.tar.gz`)?.sha256,
      ).toBe(snapshot.sha256);
    });

    it('a failure prints its stack mapped to src/', async () => {
      const run = await runAction(serviceAccount({ 'cluster-name': 'ghost', delivery: 'url' }), {
        node: olderNode,
        env: { RUNNER_DEBUG: '1' },
      });
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(/::debug::.*src\/atlas\/client\.ts:\d+/);
    });
  },
);

describe('failures', () => {
  function expectOneError(run: Awaited<ReturnType<typeof runAction>>, message: RegExp): void {
    expect(run.code).not.toBe(0);
    const errors = errorLines(run);
    expect(errors, run.stdout).toHaveLength(1);
    expect(errors[0]).toMatch(message);
  }

  it.each([
    [{ 'group-id': 'not-hex' }, /Input 'group-id': 'not-hex' is not an Atlas project ID/],
    [{ 'wait-timeout': 'forever' }, /Input 'wait-timeout'/],
    [{ 'client-secret': '' }, /Input 'client-secret': is required when client-id is given/],
    [{ 'atlas-base-url': 'http://example.com' }, /Input 'atlas-base-url'.*not loopback/],
    [{ delivery: 'url', 'extract-to': 'db' }, /Input 'extract-to'/],
  ])('bad input %j fails before any request', async (override, message) => {
    const run = await runAction(serviceAccount(override));
    expectOneError(run, message);
    expect(atlas.requests).toHaveLength(0);
  });

  it('artifact delivery outside a runner says what to use instead, before any request', async () => {
    const run = await runAction(serviceAccount());
    expectOneError(run, /ACTIONS_RUNTIME_TOKEN.*delivery 'file' or 'url'/);
    expect(atlas.requests).toHaveLength(0);
  });

  it('artifact delivery on GitHub Enterprise Server suggests file or url', async () => {
    const run = await runAction(serviceAccount(), {
      env: { ...artifacts.env, GITHUB_SERVER_URL: 'https://github.example.com' },
    });
    expectOneError(run, /GitHub Enterprise Server.*delivery 'file'/);
  });

  it('wrong service-account secret', async () => {
    const run = await runAction(serviceAccount({ 'client-secret': 'nope', delivery: 'url' }));
    expectOneError(run, /401 invalid_client.*Check client-id and client-secret/);
    const unmasked = run.stdout.split('\n').filter((line) => !line.startsWith('::add-mask::'));
    expect(unmasked.filter((line) => line.includes('nope'))).toEqual([]);
  });

  it('wrong API key', async () => {
    const run = await runAction(apiKey({ 'private-key': 'wrong', delivery: 'url' }));
    expectOneError(run, /HTTP 401.*Check the credentials/);
  });

  it('unknown cluster', async () => {
    const run = await runAction(serviceAccount({ 'cluster-name': 'ghost', delivery: 'url' }));
    expectOneError(run, /CLUSTER_NOT_FOUND.*Check cluster-name/);
  });

  it('a dedicated cluster without Cloud Backup', async () => {
    const run = await runAction(
      serviceAccount({ 'cluster-name': 'nobackup-cluster', delivery: 'url' }),
    );
    expectOneError(run, /Cloud Backup is not enabled/);
    expect(atlas.requests.some((r) => r.method === 'POST' && r.path.includes('/backup/'))).toBe(
      false,
    );
  });

  it('a shared-tier cluster after the sunset', async () => {
    atlas.faults.tenantGone = true;
    const run = await runAction(
      serviceAccount({ 'cluster-name': 'shared-cluster', delivery: 'url' }),
    );
    expectOneError(run, /HTTP 410.*legacy shared-tier API no longer serves it/);
  });

  it('a snapshot that is not COMPLETED', async () => {
    const running = atlas.clusters
      .get('flex-cluster')
      ?.snapshots.find((s) => s.status === 'RUNNING');
    const run = await runAction(
      serviceAccount({ 'snapshot-id': running?.id ?? '', delivery: 'url' }),
    );
    expectOneError(run, /is RUNNING/);
  });

  it('the role is missing', async () => {
    atlas.faults.userUnauthorized = 1;
    const run = await runAction(serviceAccount({ delivery: 'url' }));
    expectOneError(run, /Project Backup Export Operator/);
  });

  it('a body that is not a snapshot never becomes a file', async () => {
    atlas.faults.download.html = 10;
    const run = await runAction(serviceAccount({ delivery: 'file' }));
    expect(run.code).not.toBe(0);
    expect(errorLines(run)).toHaveLength(1);
    const dir = join(run.dirs.temp, 'atlas-snapshots');
    expect(existsSync(dir) ? readdirSync(dir) : []).toEqual([]);
  });

  it('a connection reset mid-download is resumed where it stopped', async () => {
    atlas.faults.download.reset = { afterBytes: 100_000, times: 1 };
    const run = await runAction(serviceAccount({ delivery: 'file' }));
    expect(run.code, run.stdout).toBe(0);
    expect(run.outputs.sha256).toBe(snapshot.sha256);
    const files = atlas.requests.filter((r) => r.path.startsWith('/files/'));
    expect(files).toHaveLength(2);
    expect(files[1]?.headers.range).toMatch(/^bytes=\d+-$/);
  });
});
