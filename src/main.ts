import * as core from '@actions/core';
import { EnvHttpProxyAgent } from 'undici';
import {
  assertArtifactServiceAvailable,
  checkArtifactName,
  connectArtifactService,
  uploadSnapshotArtifact,
} from './artifact.ts';
import { onClusterApi } from './atlas/cluster-kind.ts';
import { createAtlas } from './atlas/index.ts';
import { chooseSnapshot } from './atlas/snapshot.ts';
import { type Clock, systemClock } from './clock.ts';
import { Outputs } from './constants.ts';
import { downloadSnapshot } from './download.ts';
import {
  artifactNameFor,
  isLoopback,
  readSettings,
  type Settings,
  snapshotPathFor,
} from './inputs.ts';
import { coreLogger, type Logger } from './log.ts';
import { type SummaryFacts, writeSummary } from './summary.ts';
import { type DownloadLink, requestDownloadLink } from './wait.ts';

export interface RunOptions {
  /** Validated inputs; read from the environment when not given. */
  settings?: Settings;
  /** Aborts everything in flight: the runner's SIGINT/SIGTERM on cancellation. */
  signal?: AbortSignal;
  clock?: Clock;
  /** Where every module logs; the runner's log when not given. */
  log?: Logger;
}

/** inputs -> snapshot -> signed URL -> delivery -> outputs. Throws on any failure. */
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
  try {
    const { api, result: snapshot } = await log.group('Finding the snapshot', async () => {
      const found = await onClusterApi(settings.clusterType, atlas.apis, (candidate) =>
        chooseSnapshot(candidate, settings.snapshotId, settings.clusterName),
      );
      log.info(
        `Snapshot ${found.result.id} of ${found.api.kind === 'flex' ? 'Flex' : 'shared-tier'} cluster '${settings.clusterName}', finished ${found.result.finishTime ?? 'at an unknown time'}.`,
      );
      return found;
    });
    // Before the download job, so a re-run does not download gigabytes to find the name taken.
    const artifactService =
      settings.delivery === 'artifact' ? await connectArtifactService() : undefined;
    if (artifactService !== undefined) {
      const name = artifactNameFor(settings, snapshot.id);
      await checkArtifactName(artifactService, name, settings.overwrite, log);
    }
    const requestLink = () =>
      requestDownloadLink(api, snapshot.id, {
        timeoutMs: settings.waitTimeoutMs,
        clock,
        log,
        mask: core.setSecret,
        signal,
        allowHttp,
      });
    const firstLink = await log.group('Waiting for the download link', requestLink);
    // The job's outputs describe the link that delivered the file, which is a renewed one
    // when the first expired during the download: set only once the delivery has it.
    const facts: SummaryFacts = {
      clusterName: settings.clusterName,
      clusterKind: api.kind,
      snapshotId: snapshot.id,
      restoreJobId: firstLink.jobId,
      snapshotFinishedAt: undefined,
      mongodbVersion: snapshot.mongoDBVersion ?? undefined,
      expiresAt: undefined,
      delivery: settings.delivery,
    };
    const describeLink = (link: DownloadLink): void => {
      facts.restoreJobId = link.jobId;
      facts.expiresAt = link.expiresAt;
      facts.snapshotFinishedAt = link.snapshotFinishedAt ?? snapshot.finishTime ?? undefined;
      core.setOutput(Outputs.SnapshotId, facts.snapshotId);
      core.setOutput(Outputs.ClusterType, facts.clusterKind);
      core.setOutput(Outputs.RestoreJobId, facts.restoreJobId);
      core.setOutput(Outputs.SnapshotUrl, link.url);
      core.setOutput(Outputs.ExpiresAt, facts.expiresAt ?? '');
      core.setOutput(Outputs.SnapshotFinishedAt, facts.snapshotFinishedAt ?? '');
      core.setOutput(Outputs.MongodbVersion, facts.mongodbVersion ?? '');
    };
    if (settings.delivery === 'url') {
      describeLink(firstLink);
      await writeSummary(facts);
      return;
    }

    const file = await log.group('Downloading the snapshot', () =>
      downloadSnapshot({
        link: firstLink,
        allowHttp,
        path: snapshotPathFor(settings, snapshot.id),
        ...(settings.extractTo !== undefined && { extractTo: settings.extractTo }),
        dispatcher,
        ...(signal !== undefined && { signal }),
        clock,
        log,
        // The signed link lives four hours; a slow download may outlive it once.
        refreshLink: requestLink,
      }),
    );
    describeLink(file.link);
    Object.assign(facts, { size: file.size, sha256: file.sha256, path: file.path });
    core.setOutput(Outputs.Path, file.path);
    core.setOutput(Outputs.Size, String(file.size));
    core.setOutput(Outputs.Sha256, file.sha256);
    if (file.extractedTo !== undefined) {
      facts.extractedTo = file.extractedTo;
      core.setOutput(Outputs.ExtractedTo, file.extractedTo);
    }

    if (artifactService !== undefined) {
      const name = artifactNameFor(settings, snapshot.id);
      const artifact = await log.group('Uploading the artifact', () =>
        uploadSnapshotArtifact({
          path: file.path,
          name,
          retentionDays: settings.retentionDays,
          sha256: file.sha256,
          overwrite: settings.overwrite,
          service: artifactService,
          log,
          env: process.env,
        }),
      );
      facts.artifact = { name, url: artifact.url };
      core.setOutput(Outputs.ArtifactId, String(artifact.id));
      core.setOutput(Outputs.ArtifactUrl, artifact.url);
      core.setOutput(Outputs.ArtifactDigest, artifact.digest);
    }
    await writeSummary(facts);
  } finally {
    await atlas.close();
    await dispatcher.destroy();
  }
}
