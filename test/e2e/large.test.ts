import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { type ArtifactService, startArtifactService } from '../emulator/artifact.ts';
import { type AtlasEmulator, startAtlasEmulator } from '../emulator/atlas.ts';
import { emulatorInputs, removeRunDirectories, runAction } from './run-action.ts';

// Each run's RUNNER_TEMP and workspace, downloads included, go once the test has looked at them.
afterEach(removeRunDirectories);

const SIZE = 256 * 1024 * 1024;
let atlas: AtlasEmulator;
let artifacts: ArtifactService;
beforeAll(async () => {
  atlas = await startAtlasEmulator({ snapshotSize: SIZE });
  artifacts = await startArtifactService();
}, 120_000);
afterAll(async () => {
  await artifacts.close();
  await atlas.close();
});

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

it('delivers a 256 MiB snapshot through two connection resets, with one SHA-256 everywhere', async () => {
  const served = await atlas.snapshotFile();
  atlas.faults.download.reset = { afterBytes: 48 * 1024 * 1024, times: 2 };
  const run = await runAction(emulatorInputs(atlas, { 'extract-to': 'db' }), {
    env: artifacts.env,
  });
  expect(run.code, run.stdout).toBe(0);

  const stored = [...artifacts.artifacts.values()].find(
    (a) => String(a.id) === run.outputs['artifact-id'],
  );
  expect(run.outputs.size).toBe(String(served.size));
  expect(run.outputs.sha256).toBe(served.sha256);
  expect(await sha256Of(run.outputs.path ?? '')).toBe(served.sha256);
  expect(stored?.sha256).toBe(served.sha256);
  expect(run.outputs['artifact-digest']).toBe(served.sha256);

  // Each resume asked for the rest only: nothing already received was sent again.
  const files = atlas.requests.filter((r) => r.server === 'files');
  const starts = files.map((r) => Number(/^bytes=(\d+)-$/.exec(r.headers.range ?? '')?.[1] ?? 0));
  // (An RST may drop the last bytes in flight, so a resume can start a little before the cut.)
  expect(starts).toHaveLength(3);
  expect(starts[0]).toBe(0);
  expect(starts[1]).toBeGreaterThan(40 * 1024 * 1024);
  expect(starts[1]).toBeLessThanOrEqual(48 * 1024 * 1024);
  expect((starts[2] ?? 0) - (starts[1] ?? 0)).toBeGreaterThan(40 * 1024 * 1024);
  expect((starts[2] ?? 0) - (starts[1] ?? 0)).toBeLessThanOrEqual(48 * 1024 * 1024);
}, 120_000);
