import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  ArtifactError,
  type ArtifactService,
  checkArtifactName,
  connectArtifactService,
  uploadSnapshotArtifact,
} from '../src/artifact.ts';
import { memoryLogger } from '../src/log.ts';
import { type ArtifactService as Emulator, startArtifactService } from './emulator/artifact.ts';

// The real @actions/artifact client against the artifact service stand-in on loopback.
let emulator: Emulator;
let work: string;
let savedEnv: NodeJS.ProcessEnv;

beforeEach(async () => {
  emulator = await startArtifactService();
  work = await mkdtemp(join(tmpdir(), 'artifact-unit-'));
  savedEnv = { ...process.env };
  Object.assign(process.env, emulator.env);
  // The client itself logs through @actions/core (stdout workflow commands): noise here.
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
});
afterEach(async () => {
  vi.restoreAllMocks();
  process.env = savedEnv;
  await emulator.close();
  await rm(work, { recursive: true, force: true });
});

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

async function snapshotFile(name: string, content: string) {
  const path = join(work, name);
  await writeFile(path, content);
  return { path, sha256: sha256(content) };
}

async function upload(name: string, content: string, overwrite: boolean) {
  const file = await snapshotFile(`${name}.download`, content);
  const log = memoryLogger();
  const result = await uploadSnapshotArtifact({
    ...file,
    name,
    retentionDays: 0,
    overwrite,
    service: await connectArtifactService(),
    log,
    env: emulator.env,
  });
  return { result, log };
}

const twirpCalls = () =>
  emulator.requests.filter((r) => r.path.startsWith('/twirp/')).map((r) => r.path.split('/').pop());

describe('checkArtifactName, before the download', () => {
  it('passes when the run holds no artifact of that name', async () => {
    const log = memoryLogger();
    await checkArtifactName(await connectArtifactService(), 'fresh.tar.gz', false, log);
    expect(log.lines).toEqual(["debug: No artifact named 'fresh.tar.gz' in this run yet."]);
    expect(twirpCalls()).toEqual(['ListArtifacts']);
  });

  it('fails, naming the artifact and both fixes, when it exists and overwrite is false', async () => {
    const { result } = await upload('taken.tar.gz', 'first', false);
    const check = checkArtifactName(
      await connectArtifactService(),
      'taken.tar.gz',
      false,
      memoryLogger(),
    );
    await expect(check).rejects.toThrow(ArtifactError);
    await expect(check).rejects.toThrow(
      `Artifact 'taken.tar.gz' already exists in this workflow run (ID ${result.id}, from an earlier attempt or another job), so nothing was downloaded: give each job its own artifact-name`,
    );
    await expect(check).rejects.toThrow(/or set overwrite: true to replace it\.$/);
    expect(emulator.deleted).toEqual([]);
  });

  it('passes with overwrite, and says the old artifact will be replaced; deletes nothing yet', async () => {
    const { result } = await upload('taken.tar.gz', 'first', false);
    const log = memoryLogger();
    await checkArtifactName(await connectArtifactService(), 'taken.tar.gz', true, log);
    expect(log.lines).toEqual([
      `info: Artifact 'taken.tar.gz' (ID ${result.id}) already exists in this run: it is replaced once the new snapshot is downloaded and verified (overwrite: true).`,
    ]);
    expect(emulator.deleted).toEqual([]);
    expect(emulator.artifacts.get('taken.tar.gz')?.id).toBe(result.id);
  });

  it('says which question failed when the artifact service cannot answer', async () => {
    const broken: ArtifactService = {
      getArtifact: () => Promise.reject(new Error('Unable to make request: ECONNRESET')),
      deleteArtifact: () => Promise.reject(new Error('unused')),
      uploadArtifact: () => Promise.reject(new Error('unused')),
    };
    await expect(checkArtifactName(broken, 'x.tar.gz', false, memoryLogger())).rejects.toThrow(
      "Could not ask the artifact service whether artifact 'x.tar.gz' exists: Unable to make request: ECONNRESET",
    );
  });
});

describe('uploadSnapshotArtifact', () => {
  it('with overwrite, deletes the earlier artifact and uploads the new snapshot in its place', async () => {
    const first = await upload('nightly.tar.gz', 'old snapshot', false);
    const second = await upload('nightly.tar.gz', 'new snapshot', true);
    expect(emulator.deleted.map((a) => a.id)).toEqual([first.result.id]);
    expect(second.result.id).not.toBe(first.result.id);
    expect(emulator.artifacts.get('nightly.tar.gz')).toMatchObject({
      id: second.result.id,
      finalized: true,
      sha256: sha256('new snapshot'),
    });
    expect(second.log.lines).toContain(
      `info: Deleted the earlier artifact 'nightly.tar.gz' (ID ${first.result.id}) to replace it (overwrite: true).`,
    );
  });

  it('with overwrite and nothing to replace, just uploads', async () => {
    const { result, log } = await upload('only.tar.gz', 'data', true);
    expect(emulator.artifacts.get('only.tar.gz')?.id).toBe(result.id);
    expect(emulator.deleted).toEqual([]);
    expect(log.lines).toContain("debug: No artifact 'only.tar.gz' to replace.");
  });

  it('turns the service refusing a taken name into the fix, keeping its own words', async () => {
    await upload('raced.tar.gz', 'from another job', false);
    const failure = upload('raced.tar.gz', 'ours', false);
    await expect(failure).rejects.toThrow(ArtifactError);
    await expect(failure).rejects.toThrow(
      /^Artifact 'raced\.tar\.gz' was created by another job or step of this workflow run while this one downloaded: give each job its own artifact-name .* or set overwrite: true to replace it\. \(The artifact service said: .*\(409\).*already exists/,
    );
  });

  it('names the artifact when the upload fails otherwise', async () => {
    emulator.faults.quotaExceeded = true;
    await expect(upload('full.tar.gz', 'x', false)).rejects.toThrow(
      /^Uploading artifact 'full\.tar\.gz' failed: .*Artifact storage quota has been hit/,
    );
  });
});
