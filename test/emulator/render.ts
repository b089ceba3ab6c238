/** The JSON bodies the Admin API answers, built from the emulator's model. */
import {
  type BackupStatus,
  type EmulatedCluster,
  type EmulatedJob,
  type EmulatedSnapshot,
  isoTime,
  jobStatusAt,
} from './model.ts';

export interface Link {
  rel: string;
  href: string;
}

export function selfLink(href: string): Link[] {
  return [{ rel: 'self', href }];
}

export function snapshotJson(snapshot: EmulatedSnapshot, href: string): Record<string, unknown> {
  return { ...snapshot, links: selfLink(href) };
}

/**
 * The job as the given GET sees it. COMPLETED reveals snapshotUrl and, the first time,
 * fixes restoreFinishedDate.
 */
export function jobJson(
  job: EmulatedJob,
  poll: number,
  now: number,
  href: string,
): Record<string, unknown> {
  const status: BackupStatus = jobStatusAt(job.schedule, poll);
  if (status === 'COMPLETED' && job.finishedAt === undefined) job.finishedAt = now;
  const body: Record<string, unknown> = {
    id: job.id,
    deliveryType: 'DOWNLOAD',
    status,
    snapshotId: job.snapshotId,
  };
  if (status === 'COMPLETED') body.snapshotUrl = job.snapshotUrl;
  body.expirationDate = isoTime(job.expiresAt);
  body.restoreScheduledDate = isoTime(job.requestedAt);
  if (status === 'COMPLETED' && job.finishedAt !== undefined) {
    body.restoreFinishedDate = isoTime(job.finishedAt);
  }
  if (job.snapshotFinishedDate !== undefined) body.snapshotFinishedDate = job.snapshotFinishedDate;
  if (job.api === 'flex') body.instanceName = job.clusterName;
  else body.clusterName = job.clusterName;
  body.projectId = job.groupId;
  // A download has no restore target; Atlas fills these with the source, as recorded answers do.
  body.targetDeploymentItemName = job.clusterName;
  body.targetProjectId = job.groupId;
  body.links = selfLink(href);
  return body;
}

export function flexClusterJson(
  cluster: EmulatedCluster,
  groupId: string,
  href: string,
): Record<string, unknown> {
  return {
    id: cluster.id,
    name: cluster.name,
    groupId,
    clusterType: 'REPLICASET',
    stateName: 'IDLE',
    mongoDBVersion: cluster.mongoDBVersion,
    versionReleaseSystem: 'LTS',
    createDate: cluster.createDate,
    terminationProtectionEnabled: false,
    backupSettings: { enabled: true },
    providerSettings: {
      backingProviderName: 'AWS',
      providerName: 'FLEX',
      regionName: 'US_EAST_1',
      diskSizeGB: 5,
    },
    connectionStrings: { standardSrv: `mongodb+srv://${cluster.name}.abcde.mongodb.net` },
    tags: [],
    links: selfLink(href),
  };
}

/** The 2024-08-05 cluster description, enough to tell shared from dedicated. */
export function clusterJson(
  cluster: EmulatedCluster,
  groupId: string,
  href: string,
): Record<string, unknown> {
  const shared = cluster.kind === 'shared';
  return {
    id: cluster.id,
    name: cluster.name,
    groupId,
    clusterType: 'REPLICASET',
    stateName: 'IDLE',
    mongoDBVersion: cluster.mongoDBVersion,
    createDate: cluster.createDate,
    backupEnabled: shared,
    replicationSpecs: [
      {
        zoneName: 'Zone 1',
        regionConfigs: [
          shared
            ? {
                providerName: 'TENANT',
                backingProviderName: 'AWS',
                regionName: 'US_EAST_1',
                priority: 7,
                electableSpecs: { instanceSize: 'M2', nodeCount: 3 },
              }
            : {
                providerName: 'AWS',
                regionName: 'US_EAST_1',
                priority: 7,
                electableSpecs: { instanceSize: 'M10', nodeCount: 3 },
              },
        ],
      },
    ],
    links: selfLink(href),
  };
}
