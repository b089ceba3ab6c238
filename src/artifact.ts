import { randomBytes } from 'node:crypto';
import { link, mkdir, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

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

export interface UploadOptions {
  /** The verified snapshot file. */
  path: string;
  /** Artifact name; the uploaded file carries it. */
  name: string;
  /** 0: the repository's default. */
  retentionDays: number;
  /** SHA-256 of the file as downloaded; the upload must match it. */
  sha256: string;
  env: NodeJS.ProcessEnv;
}

/**
 * Uploads the file as it is (skipArchive: it is gzip already, and zipping gigabytes again
 * only costs time). With skipArchive the artifact is named after the file, so a file whose name
 * differs from the artifact name is uploaded through a hard link of that name beside it.
 */
export async function uploadSnapshotArtifact(options: UploadOptions): Promise<UploadedArtifact> {
  // Loaded only here: the artifact client and its Azure SDK are most of the bundle, and the
  // url and file deliveries never need them.
  const { DefaultArtifactClient } = await import('@actions/artifact');
  const linkDir =
    basename(options.path) === options.name
      ? undefined
      : join(dirname(options.path), `.artifact-${randomBytes(4).toString('hex')}`);
  const file = linkDir === undefined ? options.path : join(linkDir, options.name);
  try {
    if (linkDir !== undefined) {
      await mkdir(linkDir);
      await link(options.path, file);
    }
    const result = await new DefaultArtifactClient().uploadArtifact(
      options.name,
      [file],
      dirname(file),
      {
        skipArchive: true,
        ...(options.retentionDays > 0 && { retentionDays: options.retentionDays }),
      },
    );
    if (result.id === undefined) {
      throw new ArtifactError(
        `The artifact service did not return an ID for artifact '${options.name}'.`,
      );
    }
    const digest = (result.digest ?? '').replace(/^sha256:/, '').toLowerCase();
    if (digest !== options.sha256) {
      throw new ArtifactError(
        `Artifact '${options.name}' was uploaded with SHA-256 ${digest || '(none reported)'}, but the downloaded file has ${options.sha256}: the upload is not the verified snapshot. Run the job again.`,
      );
    }
    return { id: result.id, url: artifactUrl(options.env, result.id), digest };
  } finally {
    if (linkDir !== undefined) await rm(linkDir, { recursive: true, force: true });
  }
}

function artifactUrl(env: NodeJS.ProcessEnv, id: number): string {
  const server = env.GITHUB_SERVER_URL ?? 'https://github.com';
  return `${server}/${env.GITHUB_REPOSITORY ?? ''}/actions/runs/${env.GITHUB_RUN_ID ?? ''}/artifacts/${id}`;
}
