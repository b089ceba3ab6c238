import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startArtifactService } from '../emulator/artifact.ts';
import { type AtlasEmulator, startAtlasEmulator } from '../emulator/atlas.ts';
import { isoTime } from '../emulator/model.ts';
import { emulatorInputs, errorLines, removeRunDirectories, runAction } from './run-action.ts';

// Each run's RUNNER_TEMP and workspace, downloads included, go once the test has looked at them.
afterEach(removeRunDirectories);

let atlas: AtlasEmulator;
beforeEach(async () => {
  atlas = await startAtlasEmulator();
});
afterEach(async () => {
  await atlas.close();
});

const inputs = (extra: Record<string, string> = {}) => emulatorInputs(atlas, extra);

/** Every file and directory below `dir`, relative to it. */
function tree(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' });
}

describe('cancellation', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)(
    '%s mid-download stops at once and leaves no partial file or extraction behind',
    async (signal) => {
      // The file host stalls after 64 KiB, so the download is surely in flight when the signal comes.
      atlas.faults.download.stall = { afterBytes: 64 * 1024 };
      let sentAt = 0;
      const run = await runAction(inputs({ delivery: 'file', 'extract-to': 'db' }), {
        onStdout: (text, child) => {
          if (sentAt === 0 && text.includes('Downloading the snapshot from')) {
            sentAt = performance.now();
            // Give the body a moment to start arriving, as a real cancellation would.
            setTimeout(() => child.kill(signal), 100);
          }
        },
      });
      expect(sentAt).toBeGreaterThan(0);
      expect(run.code).not.toBe(0);
      expect(errorLines(run)).toEqual([expect.stringMatching(/cancel/i)]);
      // Well within the runner's 7.5 s between SIGINT and SIGTERM.
      expect(performance.now() - sentAt).toBeLessThan(2_000 + 100);
      expect(tree(join(run.dirs.temp, 'atlas-snapshots'))).toEqual([]);
      expect(tree(run.dirs.workspace)).toEqual([]);
    },
  );

  it('SIGINT during the artifact upload, which cannot be aborted, still ends the step before SIGTERM', async () => {
    const artifacts = await startArtifactService();
    try {
      // The blob store keeps answering 503, so the upload client sits in its own retries.
      artifacts.faults.blobUnavailable = 1000;
      let sentAt = 0;
      const run = await runAction(inputs(), {
        env: artifacts.env,
        onStdout: (text, child) => {
          if (sentAt === 0 && text.includes('Uploading artifact')) {
            sentAt = performance.now();
            child.kill('SIGINT');
          }
        },
      });
      expect(sentAt).toBeGreaterThan(0);
      expect(run.code).not.toBe(0);
      expect(errorLines(run)).toEqual([expect.stringMatching(/cancelled \(SIGINT\)/)]);
      expect(performance.now() - sentAt).toBeLessThan(7_500);
      expect([...artifacts.artifacts.values()].some((a) => a.finalized)).toBe(false);
    } finally {
      await artifacts.close();
    }
  });

  it('SIGINT while waiting for the download link fails the step promptly', async () => {
    atlas.faults.jobSchedule = { urlInPostAnswer: false, pendingPolls: 1000, runningPolls: 0 };
    const run = await runAction(inputs({ delivery: 'url' }), {
      onStdout: (text, child) => {
        if (text.includes('Atlas created download job')) child.kill('SIGINT');
      },
    });
    expect(run.code).not.toBe(0);
    expect(errorLines(run)).toEqual([expect.stringMatching(/cancelled \(SIGINT\)/)]);
    expect(run.outputs['snapshot-url']).toBeUndefined();
  });
});

describe('faults on the way', () => {
  it('waits out a 429 storm with Retry-After and still delivers', async () => {
    atlas.faults.rateLimited = 3;
    atlas.faults.retryAfterSeconds = 1;
    const run = await runAction(inputs({ delivery: 'url' }));
    expect(run.code, run.stdout).toBe(0);
    expect(atlas.requests.filter((r) => r.status === 429)).toHaveLength(3);
    expect(run.stdout.match(/HTTP 429; retrying in/g)).toHaveLength(3);
  });

  it('rides out a burst of 502s from a load balancer', async () => {
    atlas.faults.serverError = 2;
    atlas.faults.serverErrorStatus = 502;
    const run = await runAction(inputs({ delivery: 'url' }));
    expect(run.code, run.stdout).toBe(0);
    expect(atlas.requests.filter((r) => r.status === 502)).toHaveLength(2);
  });

  it('gets a new token when the old one stops working mid-wait', async () => {
    atlas.faults.jobSchedule = { urlInPostAnswer: false, pendingPolls: 0, runningPolls: 0 };
    const run = await runAction(inputs({ delivery: 'url' }), {
      onStdout: (text) => {
        if (text.includes('Atlas created download job')) atlas.expireTokens();
      },
    });
    expect(run.code, run.stdout).toBe(0);
    expect(atlas.requests.filter((r) => r.path === '/api/oauth/token')).toHaveLength(2);
  });

  it('asks Atlas for a fresh link when the signed one has expired, and reports the new one', async () => {
    // Each new job moves the emulator's clock a minute on, so the two jobs' expiry times differ
    // to the second and an output left from the first job shows.
    await atlas.close();
    let created: AtlasEmulator | undefined;
    atlas = await startAtlasEmulator({
      now: () => Date.now() + (created?.jobs.size ?? 0) * 60_000,
    });
    created = atlas;
    atlas.faults.download.expired = 1;
    const run = await runAction(inputs({ delivery: 'file' }));
    expect(run.code, run.stdout).toBe(0);
    expect(
      atlas.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/download')),
    ).toHaveLength(2);
    expect(run.outputs.sha256).toBe((await atlas.snapshotFile()).sha256);
    // Every output and the summary describe the job and link that delivered the file.
    const [first, renewed] = [...atlas.jobs.values()];
    expect(atlas.jobs.size).toBe(2);
    if (first === undefined || renewed === undefined) throw new Error('two jobs expected');
    expect(isoTime(renewed.expiresAt)).not.toBe(isoTime(first.expiresAt));
    expect(renewed.snapshotUrl).not.toBe(first.snapshotUrl);
    expect(run.outputs['restore-job-id']).toBe(renewed.id);
    expect(run.outputs['snapshot-url']).toBe(renewed.snapshotUrl);
    expect(run.outputs['expires-at']).toBe(isoTime(renewed.expiresAt));
    expect(run.outputs['snapshot-id']).toBe(renewed.snapshotId);
    expect(run.outputs['cluster-type']).toBe('flex');
    expect(run.outputs['snapshot-finished-at']).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(run.outputs['mongodb-version']).toMatch(/^\d+\.\d+/);
    expect(run.outputs.size).toBe(String((await atlas.snapshotFile()).size));
    expect(run.outputs.path).toMatch(/flex-cluster-[a-f0-9]{24}\.tar\.gz$/);
    expect(run.stdout).toContain(`::add-mask::${renewed.snapshotUrl}`);
    expect(run.summary).toContain(renewed.id);
    expect(run.summary).toContain(isoTime(renewed.expiresAt));
    expect(run.summary).not.toContain(first.id);
    expect(run.summary).not.toContain(isoTime(first.expiresAt));
  });
});

describe('step debug logging', () => {
  it('prints the stack of a failure, mapped to src/, only when step debug logging is on', async () => {
    const failing = inputs({ 'cluster-name': 'ghost', delivery: 'url' });
    const debugRun = await runAction(failing, { env: { RUNNER_DEBUG: '1' } });
    expect(debugRun.code).toBe(1);
    const stack = debugRun.stdout.split('\n').filter((line) => line.startsWith('::debug::'));
    // Source maps are loaded for debug runs only: the frames name the TypeScript files.
    expect(stack.join('\n')).toMatch(/src\/atlas\/client\.ts:\d+/);

    const quietRun = await runAction(failing);
    expect(quietRun.code).toBe(1);
    expect(quietRun.stdout).not.toMatch(/\.(ts|js):\d+/);
  });
});

describe('secrets', () => {
  it('never prints a credential, a token or the signed URL, even with step debug logging', async () => {
    const run = await runAction(inputs({ delivery: 'file' }), {
      env: { ACTIONS_STEP_DEBUG: 'true', RUNNER_DEBUG: '1' },
    });
    expect(run.code, run.stdout).toBe(0);
    const url = run.outputs['snapshot-url'] ?? '';
    const signature = new URL(url).searchParams.get('Signature') ?? '';
    const secrets = [
      atlas.credentials.clientSecret,
      Buffer.from(`${atlas.credentials.clientId}:${atlas.credentials.clientSecret}`).toString(
        'base64',
      ),
      ...atlas.issuedTokens,
      url,
      signature,
    ];
    expect(secrets.every((s) => s.length > 8)).toBe(true);
    const printed = `${run.stdout}\n${run.stderr}`
      .split('\n')
      .filter((line) => !line.startsWith('::add-mask::'));
    for (const secret of secrets) {
      expect(printed.filter((line) => line.includes(secret))).toEqual([]);
    }
    // Each of them was handed to the runner to mask before it could be printed.
    const masks = run.stdout.split('\n').filter((line) => line.startsWith('::add-mask::'));
    for (const secret of secrets) {
      expect(masks.some((line) => line === `::add-mask::${secret}`)).toBe(true);
    }
    expect(run.summary).not.toContain(signature);
  });

  it('never prints the API key pair', async () => {
    const { 'client-id': _, 'client-secret': __, ...rest } = inputs({ delivery: 'url' });
    const run = await runAction(
      {
        ...rest,
        'public-key': atlas.credentials.publicKey,
        'private-key': atlas.credentials.privateKey,
      },
      { env: { ACTIONS_STEP_DEBUG: 'true' } },
    );
    expect(run.code, run.stdout).toBe(0);
    const printed = run.stdout.split('\n').filter((line) => !line.startsWith('::add-mask::'));
    expect(printed.filter((line) => line.includes(atlas.credentials.privateKey))).toEqual([]);
  });
});
