import { join } from 'node:path';
import * as core from '@actions/core';
import { EnvHttpProxyAgent } from 'undici';
import {
  type ArtifactService,
  assertArtifactServiceAvailable,
  checkArtifactName,
  connectArtifactService,
  type UploadedArtifact,
  uploadSnapshotArtifact,
  uploadSnapshotDirectory,
} from './artifact.ts';
import type { BackupApi } from './atlas/backup-api.ts';
import { onClusterApi } from './atlas/cluster-kind.ts';
import { createAtlas } from './atlas/index.ts';
import { chooseSnapshot } from './atlas/snapshot.ts';
import { type Clock, systemClock } from './clock.ts';
import { Outputs } from './constants.ts';
import { CHECKSUMS, type Delivered, deliverFiles, withoutTarGz } from './deliver.ts';
import {
  artifactNameFor,
  isLoopback,
  readSettings,
  type Settings,
  snapshotPathFor,
} from './inputs.ts';
import { coreLogger, type Logger } from './log.ts';
import { type SummaryFacts, writeSummary } from './summary.ts';
import { type DownloadLink, type DownloadLinks, requestDownloadLinks } from './wait.ts';

export interface RunOptions {
  /** Validated inputs; read from the environment when not given. */
  settings?: Settings;
  /** Aborts everything in flight: the runner's SIGINT/SIGTERM on cancellation. */
  signal?: AbortSignal;
  clock?: Clock;
  /** Where every module logs; the runner's log when not given. */
  log?: Logger;
}

/** inputs -> snapshot -> signed links -> delivery -> outputs. Throws on any failure. */
export async function run(options: RunOptions = {}): Promise<void> {
  const settings = options.settings ?? readSettings();
  if (settings.delivery === 'artifact') assertArtifactServiceAvailable(process.env);
  const { signal } = options;
  const clock = options.clock ?? systemClock;
  const log = options.log ?? coreLogger;
  // Honours HTTPS_PROXY / HTTP_PROXY / NO_PROXY in either case, for Atlas and the download alike.
  const dispatcher = new EnvHttpProxyAgent();
  const atlas = createAtlas(settings, { dispatcher, clock, log, signal, mask: core.setSecret });
  // Signed links must be https, except from the local emulator (tests and the demo).
  const allowHttp = isLoopback(new URL(settings.atlasBaseUrl).hostname);
  /**
   * The download job whose files are not all in yet (or, for delivery url, whose link is not
   * out yet): cancelled if the run ends without them, so the next run is not refused.
   */
  let unfinished: { api: BackupApi; jobId: string } | undefined;
  try {
    const { api, result: snapshot } = await log.group('Finding the snapshot', async () => {
      const found = await onClusterApi(
        settings.clusterType,
        atlas.apis,
        (candidate) => chooseSnapshot(candidate, settings.snapshotId, settings.clusterName, log),
        { clusterName: settings.clusterName, log },
      );
      log.info(
        `Snapshot ${found.result.id} of ${describeKind(found.api)} '${settings.clusterName}', taken ${found.result.finishTime ?? 'at an unknown time'}.`,
      );
      return found;
    });
    // A sharded snapshot is a directory of files, and its artifact is named without .tar.gz.
    const fileName = artifactNameFor(settings, snapshot.id);
    const artifactName = api.sharded ? withoutTarGz(fileName) : fileName;
    // Before the download job, so a re-run does not download gigabytes to find the name taken.
    const artifactService =
      settings.delivery === 'artifact' ? await connectArtifactService() : undefined;
    if (artifactService !== undefined) {
      await checkArtifactName(artifactService, artifactName, settings.overwrite, log);
    }
    const requestLinks = (): Promise<DownloadLinks> =>
      requestDownloadLinks(api, snapshot.id, {
        timeoutMs: settings.waitTimeoutMs,
        clock,
        log,
        mask: core.setSecret,
        signal,
        allowHttp,
        onCreated: (jobId) => {
          unfinished = { api, jobId };
        },
      });
    const job = await log.group('Waiting for the download link', requestLinks);
    const facts: SummaryFacts = {
      clusterName: settings.clusterName,
      clusterKind: api.kind,
      snapshotId: snapshot.id,
      restoreJobId: job.jobId,
      snapshotFinishedAt: job.snapshotFinishedAt ?? snapshot.finishTime,
      mongodbVersion: snapshot.mongoDBVersion,
      expiresAt: job.expiresAt,
      delivery: settings.delivery,
    };
    if (settings.delivery === 'url') {
      // The link is the user's to download: the job must live on.
      unfinished = undefined;
      describeLinks(facts, job.links);
      await writeSummary(facts);
      return;
    }

    const delivered = await log.group('Downloading the snapshot', () =>
      deliverFiles({
        job,
        sharded: api.sharded,
        path: snapshotPathFor(settings, snapshot.id),
        extractTo: settings.extractTo,
        allowHttp,
        dispatcher,
        ...(signal !== undefined && { signal }),
        clock,
        log,
        // A Flex link lives four hours, and a slow download may outlive it; a Cloud Backup
        // link is good for one download within an hour. A new job replaces the old one, which
        // is cancelled first (Atlas allows one download of a snapshot at a time).
        renew: async () => {
          if (unfinished !== undefined) await cancelJob(unfinished, log);
          return requestLinks();
        },
        ...(api.kind === 'dedicated' && { restartOnRefresh: true, maxRefreshes: 2 }),
      }),
    );
    unfinished = undefined;
    // The outputs describe the links that delivered the files: renewed ones where one expired.
    describeLinks(facts, delivered.links);
    describeFiles(facts, delivered, api.sharded);

    if (artifactService !== undefined) {
      const artifact = await log.group('Uploading the artifact', () =>
        uploadDelivered(artifactService, artifactName, delivered, api.sharded, settings, log),
      );
      facts.artifact = { name: artifactName, url: artifact.url };
      core.setOutput(Outputs.ArtifactId, String(artifact.id));
      core.setOutput(Outputs.ArtifactUrl, artifact.url);
      core.setOutput(Outputs.ArtifactDigest, artifact.digest);
    }
    await writeSummary(facts);
  } finally {
    if (unfinished !== undefined) await cancelJob(unfinished, log);
    await atlas.close();
    await dispatcher.destroy();
  }
}

function describeKind(api: BackupApi): string {
  if (api.kind === 'flex') return 'Flex cluster';
  if (api.kind === 'shared') return 'shared-tier cluster';
  return api.sharded ? 'dedicated sharded cluster' : 'dedicated cluster';
}

function describeLinks(facts: SummaryFacts, links: DownloadLink[]): void {
  const last = links.at(-1);
  if (last !== undefined) {
    facts.restoreJobId = last.jobId;
    facts.expiresAt = last.expiresAt ?? facts.expiresAt;
    facts.snapshotFinishedAt = last.snapshotFinishedAt ?? facts.snapshotFinishedAt;
  }
  core.setOutput(Outputs.SnapshotId, facts.snapshotId);
  core.setOutput(Outputs.ClusterType, facts.clusterKind);
  core.setOutput(Outputs.RestoreJobId, facts.restoreJobId);
  // One per line, in the order of `files`, for a sharded cluster.
  core.setOutput(Outputs.SnapshotUrl, links.map((link) => link.url).join('\n'));
  core.setOutput(Outputs.ExpiresAt, facts.expiresAt ?? '');
  core.setOutput(Outputs.SnapshotFinishedAt, facts.snapshotFinishedAt ?? '');
  core.setOutput(Outputs.MongodbVersion, facts.mongodbVersion ?? '');
}

function describeFiles(facts: SummaryFacts, delivered: Delivered, sharded: boolean): void {
  Object.assign(facts, { size: delivered.size, sha256: delivered.sha256, path: delivered.path });
  if (sharded) facts.files = delivered.files;
  core.setOutput(Outputs.Path, delivered.path);
  core.setOutput(Outputs.Size, String(delivered.size));
  core.setOutput(Outputs.Sha256, delivered.sha256);
  core.setOutput(
    Outputs.Files,
    JSON.stringify(
      delivered.files.map(({ name, path, size, sha256, replicaSetName }) => ({
        name,
        path,
        size,
        sha256,
        ...(replicaSetName !== undefined && { replicaSetName }),
      })),
    ),
  );
  if (delivered.extractedTo !== undefined) {
    facts.extractedTo = delivered.extractedTo;
    core.setOutput(Outputs.ExtractedTo, delivered.extractedTo);
  }
}

function uploadDelivered(
  service: ArtifactService,
  name: string,
  delivered: Delivered,
  sharded: boolean,
  settings: Settings,
  log: Logger,
): Promise<UploadedArtifact> {
  const common = {
    name,
    retentionDays: settings.retentionDays,
    overwrite: settings.overwrite,
    service,
    log,
    env: process.env,
  };
  if (!sharded)
    return uploadSnapshotArtifact({ ...common, path: delivered.path, sha256: delivered.sha256 });
  return uploadSnapshotDirectory({
    ...common,
    dir: delivered.path,
    files: [...delivered.files.map((file) => file.path), join(delivered.path, CHECKSUMS)],
  });
}

/** Best effort: the next run must not find this one's half-used job in its way. */
async function cancelJob(job: { api: BackupApi; jobId: string }, log: Logger): Promise<void> {
  if (job.api.cancelJob === undefined) return;
  try {
    await job.api.cancelJob(job.jobId);
    log.info(`Cancelled download job ${job.jobId}, whose files were not all downloaded.`);
  } catch (error) {
    log.warning(
      `Could not cancel download job ${job.jobId} (${error instanceof Error ? error.message : String(error)}); Atlas ends it when its link expires, within an hour.`,
    );
  }
}
