import { randomBytes } from 'node:crypto';
import { constants, copyFile, link, mkdir, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { ArtifactClient } from '@actions/artifact';
import type { Logger } from './log.ts';

/** The calls the action makes on @actions/artifact's client (its public API); tests pass a fake. */
export type ArtifactService = Pick<
  ArtifactClient,
  'getArtifact' | 'deleteArtifact' | 'uploadArtifact'
>;

/** The runner's artifact service, through @actions/artifact. */
export async function connectArtifactService(): Promise<ArtifactService> {
  // Loaded only here: the artifact client and its Azure SDK are most of the bundle, and the
  // url and file deliveries never need them.
  const { DefaultArtifactClient } = await import('@actions/artifact');
  return new DefaultArtifactClient();
}

/** Where the uploaded snapshot is, as GitHub reports it. */
export interface UploadedArtifact {
  id: number;
  url: string;
  /** SHA-256 of the uploaded bytes as the artifact client computed it, lowercase hex. */
  digest: string;
}

export class ArtifactError extends Error {
  override readonly name = 'ArtifactError';
}

/**
 * Fails early, before anything is downloaded, when the artifact service cannot be reached:
 * outside a runner, or on GitHub Enterprise Server, which @actions/artifact v2+ does not serve.
 */
export function assertArtifactServiceAvailable(env: NodeJS.ProcessEnv): void {
  const server = env.GITHUB_SERVER_URL ?? 'https://github.com';
  let host: string;
  try {
    host = new URL(server).hostname.toLowerCase();
  } catch {
    host = server;
  }
  if (host !== 'github.com' && !host.endsWith('.ghe.com') && !host.endsWith('.localhost')) {
    throw new ArtifactError(
      `delivery 'artifact' is not available on GitHub Enterprise Server (${server}): its artifact service does not accept uploads from @actions/artifact v2 and later. Use delivery 'file' (and actions/upload-artifact@v3-compatible tooling) or delivery 'url'.`,
    );
  }
  if (!env.ACTIONS_RUNTIME_TOKEN || !env.ACTIONS_RESULTS_URL) {
    throw new ArtifactError(
      "delivery 'artifact' needs the runner's artifact service (ACTIONS_RUNTIME_TOKEN and ACTIONS_RESULTS_URL are not set): run it as a step of a GitHub Actions job, or use delivery 'file' or 'url'.",
    );
  }
}

/** How to fix a name another upload of this run already took. */
const NAME_TAKEN_FIX =
  'give each job its own artifact-name (in a matrix, e.g. with the project or matrix values in it), or set overwrite: true to replace it';

/**
 * Before anything is downloaded: an artifact of this name already in the run (a re-run, or two
 * matrix jobs that share a cluster name) would refuse the upload only after the whole download.
 * Without overwrite that fails here; with it, the old artifact stays until the new snapshot is
 * verified, and uploadSnapshotArtifact replaces it.
 */
export async function checkArtifactName(
  service: ArtifactService,
  name: string,
  overwrite: boolean,
  log: Logger,
): Promise<void> {
  const existing = await findArtifact(service, name);
  if (existing === undefined) {
    log.debug(`No artifact named '${name}' in this run yet.`);
    return;
  }
  if (!overwrite) {
    throw new ArtifactError(
      `Artifact '${name}' already exists in this workflow run (ID ${existing}, from an earlier attempt or another job), so nothing was downloaded: ${NAME_TAKEN_FIX}.`,
    );
  }
  log.info(
    `Artifact '${name}' (ID ${existing}) already exists in this run: it is replaced once the new snapshot is downloaded and verified (overwrite: true).`,
  );
}

async function findArtifact(service: ArtifactService, name: string): Promise<number | undefined> {
  try {
    return (await service.getArtifact(name)).artifact.id;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw new ArtifactError(
      `Could not ask the artifact service whether artifact '${name}' exists: ${messageOf(error)}`,
      { cause: error },
    );
  }
}

/** By name, not instanceof: the class is in the lazily loaded chunk. */
function isNotFound(error: unknown): boolean {
  return error instanceof Error && error.name === 'ArtifactNotFoundError';
}

export interface UploadOptions {
  /** The verified snapshot file. */
  path: string;
  /** Artifact name; the uploaded file carries it. */
  name: string;
  /** 0: the repository's default. */
  retentionDays: number;
  /** SHA-256 of the file as downloaded; the upload must match it. */
  sha256: string;
  /** Replace an artifact of the same name, as actions/upload-artifact's overwrite does. */
  overwrite: boolean;
  service: ArtifactService;
  log: Logger;
  env: NodeJS.ProcessEnv;
}

/**
 * Uploads the file as it is (skipArchive: it is gzip already, and zipping gigabytes again
 * only costs time). With skipArchive the artifact is named after the file, so a file whose name
 * differs from the artifact name is uploaded through a hard link of that name beside it.
 */
export async function uploadSnapshotArtifact(options: UploadOptions): Promise<UploadedArtifact> {
  const { log } = options;
  const linkDir =
    basename(options.path) === options.name
      ? undefined
      : join(dirname(options.path), `.artifact-${randomBytes(4).toString('hex')}`);
  const file = linkDir === undefined ? options.path : join(linkDir, options.name);
  try {
    if (linkDir !== undefined) {
      await mkdir(linkDir);
      await linkOrCopy(options.path, file, log);
    }
    const uploaded = await upload(options, [file], dirname(file), { skipArchive: true });
    if (uploaded.digest !== options.sha256) {
      throw new ArtifactError(
        `Artifact '${options.name}' was uploaded with SHA-256 ${uploaded.digest || '(none reported)'}, but the downloaded file has ${options.sha256}: the upload is not the verified snapshot. Run the job again.`,
      );
    }
    return uploaded;
  } finally {
    // Windows may still hold the link open for a moment (an antivirus scan): rm retries EBUSY/EPERM.
    if (linkDir !== undefined) await rm(linkDir, { recursive: true, force: true, maxRetries: 3 });
  }
}

export interface DirectoryUploadOptions extends Omit<UploadOptions, 'path' | 'sha256'> {
  /** The directory that holds the files. */
  dir: string;
  /** The files, all in `dir`. */
  files: string[];
}

/**
 * A sharded snapshot's files as one artifact: a zip that stores them without compressing them
 * again (compression level 0), since every file is gzip already. Its digest is the zip's, so
 * the files' own SHA-256 is checked by SHA256SUMS inside it, not here.
 */
export function uploadSnapshotDirectory(
  options: DirectoryUploadOptions,
): Promise<UploadedArtifact> {
  return upload(options, options.files, options.dir, { compressionLevel: 0 });
}

/** Replaces the old artifact when asked, uploads, and reads back the ID and digest. */
async function upload(
  options: Omit<UploadOptions, 'path' | 'sha256'>,
  files: string[],
  root: string,
  how: { skipArchive: true } | { compressionLevel: 0 },
): Promise<UploadedArtifact> {
  const { service, log, name } = options;
  if (options.overwrite) await deleteIfExists(service, name, log);
  const result = await service
    .uploadArtifact(name, files, root, {
      ...how,
      ...(options.retentionDays > 0 && { retentionDays: options.retentionDays }),
    })
    .catch((error: unknown) => {
      throw uploadFailure(name, error);
    });
  if (result.id === undefined) {
    throw new ArtifactError(`The artifact service did not return an ID for artifact '${name}'.`);
  }
  const digest = (result.digest ?? '').replace(/^sha256:/, '').toLowerCase();
  return { id: result.id, url: artifactUrl(options.env, result.id), digest };
}

/** As actions/upload-artifact's overwrite: delete by name; none to delete is fine. */
async function deleteIfExists(service: ArtifactService, name: string, log: Logger): Promise<void> {
  try {
    const { id } = await service.deleteArtifact(name);
    log.info(`Deleted the earlier artifact '${name}' (ID ${id}) to replace it (overwrite: true).`);
  } catch (error) {
    if (isNotFound(error)) {
      log.debug(`No artifact '${name}' to replace.`);
      return;
    }
    throw new ArtifactError(
      `Could not delete the earlier artifact '${name}' to replace it (overwrite: true): ${messageOf(error)}`,
      { cause: error },
    );
  }
}

/** The artifact service's raw text, with what it means for this action and what to do. */
function uploadFailure(name: string, error: unknown): ArtifactError {
  const text = messageOf(error);
  if (/\(409\)|already exists/i.test(text)) {
    return new ArtifactError(
      `Artifact '${name}' was created by another job or step of this workflow run while this one downloaded: ${NAME_TAKEN_FIX}. (The artifact service said: ${text})`,
      { cause: error },
    );
  }
  return new ArtifactError(`Uploading artifact '${name}' failed: ${text}`, { cause: error });
}

/**
 * A hard link costs nothing, but not every file system has them (FAT, some network and Windows
 * Dev Drive volumes): then a copy, which a copy-on-write file system (APFS, Btrfs, ReFS) clones.
 */
async function linkOrCopy(from: string, to: string, log: Logger): Promise<void> {
  try {
    await link(from, to);
  } catch (error) {
    log.debug(`No hard link for the upload (${messageOf(error)}): copying the file instead.`);
    await copyFile(from, to, constants.COPYFILE_FICLONE);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function artifactUrl(env: NodeJS.ProcessEnv, id: number): string {
  const server = env.GITHUB_SERVER_URL ?? 'https://github.com';
  return `${server}/${env.GITHUB_REPOSITORY ?? ''}/actions/runs/${env.GITHUB_RUN_ID ?? ''}/artifacts/${id}`;
}
