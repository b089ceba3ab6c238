import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ArtifactService, startArtifactService } from '../emulator/artifact.ts';
import { type AtlasEmulator, startAtlasEmulator } from '../emulator/atlas.ts';
import { emulatorInputs, errorLines, removeRunDirectories, runAction } from './run-action.ts';

// The bundled action, run twice in the same workflow run (a re-run, or two matrix jobs that
// share a cluster name): the second finds the artifact name taken.
afterEach(removeRunDirectories);

let atlas: AtlasEmulator;
let artifacts: ArtifactService;
beforeEach(async () => {
  atlas = await startAtlasEmulator();
  artifacts = await startArtifactService();
});
afterEach(async () => {
  await atlas.close();
  await artifacts.close();
});

const NAME = 'nightly.tar.gz';

async function firstRun() {
  const run = await runAction(emulatorInputs(atlas, { 'artifact-name': NAME }), {
    env: artifacts.env,
  });
  expect(run.code, run.stdout).toBe(0);
  const stored = artifacts.artifacts.get(NAME);
  expect(stored?.finalized).toBe(true);
  // What the second run does to Atlas is what comes after this.
  atlas.requests.length = 0;
  return { run, id: stored?.id };
}

/** Requests that create a download job or fetch the snapshot file (a token's POST is neither). */
const downloadRequests = () =>
  atlas.requests.filter(
    (r) => (r.method === 'POST' && r.path.includes('/backup/')) || r.path.startsWith('/files/'),
  );

describe('an artifact of the same name already in the run', () => {
  it('fails before any download job or byte, naming the artifact and the fixes', async () => {
    const { id } = await firstRun();
    const again = await runAction(emulatorInputs(atlas, { 'artifact-name': NAME }), {
      env: artifacts.env,
    });
    expect(again.code).toBe(1);
    const errors = errorLines(again);
    expect(errors, again.stdout).toHaveLength(1);
    expect(errors[0]).toBe(
      `Artifact '${NAME}' already exists in this workflow run (ID ${id}, from an earlier attempt or another job), so nothing was downloaded: give each job its own artifact-name (in a matrix, e.g. with the project or matrix values in it), or set overwrite: true to replace it.`,
    );
    expect(downloadRequests()).toEqual([]);
    // The snapshot was looked up, so the check ran after that, not before any request.
    expect(atlas.requests.some((r) => r.path.endsWith('/backup/snapshots'))).toBe(true);
    expect(artifacts.artifacts.get(NAME)?.id).toBe(id);
    expect(artifacts.deleted).toEqual([]);
  });

  it('the default name is checked too, once the snapshot is known', async () => {
    const first = await runAction(emulatorInputs(atlas), { env: artifacts.env });
    expect(first.code, first.stdout).toBe(0);
    atlas.requests.length = 0;
    const again = await runAction(emulatorInputs(atlas), { env: artifacts.env });
    expect(again.code).toBe(1);
    expect(errorLines(again)[0]).toMatch(
      /^Artifact 'flex-cluster-[a-f0-9]{24}\.tar\.gz' already exists in this workflow run/,
    );
    expect(downloadRequests()).toEqual([]);
  });

  it('overwrite: true replaces it with the new snapshot, as upload-artifact does', async () => {
    const { id } = await firstRun();
    const again = await runAction(
      emulatorInputs(atlas, { 'artifact-name': NAME, overwrite: 'true' }),
      { env: artifacts.env },
    );
    expect(again.code, again.stdout).toBe(0);
    const stored = artifacts.artifacts.get(NAME);
    expect(artifacts.deleted.map((a) => a.id)).toEqual([id]);
    expect(stored?.id).not.toBe(id);
    expect(stored?.finalized).toBe(true);
    expect(again.outputs['artifact-id']).toBe(String(stored?.id));
    expect(again.outputs['artifact-digest']).toBe(again.outputs.sha256);
    expect(again.stdout).toContain(`Artifact '${NAME}' (ID ${id}) already exists in this run`);
    // Kept until the new snapshot is downloaded: deleted only then, right before the upload.
    const twirp = artifacts.requests.filter((r) => r.path.startsWith('/twirp/'));
    const calls = twirp.map((r) => r.path.split('/').pop());
    expect(calls.slice(-4)).toEqual([
      'ListArtifacts',
      'DeleteArtifact',
      'CreateArtifact',
      'FinalizeArtifact',
    ]);
    const deletedAt = twirp.find((r) => r.path.endsWith('/DeleteArtifact'))?.at ?? 0;
    const fileRequests = atlas.requests.filter((r) => r.path.startsWith('/files/'));
    expect(fileRequests.length).toBeGreaterThan(0);
    expect(fileRequests.every((r) => r.at <= deletedAt)).toBe(true);
  });
});
