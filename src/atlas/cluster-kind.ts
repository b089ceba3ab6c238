import * as v from 'valibot';
import type { ClusterTypeInput } from '../constants.ts';
import type { Logger } from '../log.ts';
import { type BackupApi, Text } from './backup-api.ts';
import { ApiVersion, type AtlasClient } from './client.ts';
import { AtlasError } from './errors.ts';

/** Atlas's answer when a Flex endpoint is asked about a cluster that is not Flex. */
const NOT_FLEX = 'CANNOT_USE_NON_FLEX_CLUSTER_IN_FLEX_API';
/** 404 codes that name a missing resource; any other 404 means the route itself is gone. */
const RESOURCE_NOT_FOUND = new Set([
  'CLUSTER_NOT_FOUND',
  'GROUP_NOT_FOUND',
  'INVALID_GROUP_ID',
  'SNAPSHOT_NOT_FOUND',
  'TENANT_SNAPSHOT_NOT_FOUND',
  'TENANT_RESTORE_NOT_FOUND',
]);

/** What the cluster description (GET /clusters/{name}, 2024-08-05) tells about backups. */
const DescriptionSchema = v.object({
  clusterType: v.optional(v.nullable(Text)),
  backupEnabled: v.optional(v.nullable(v.boolean())),
  encryptionAtRestProvider: v.optional(v.nullable(Text)),
  paused: v.optional(v.nullable(v.boolean())),
  replicationSpecs: v.optional(
    v.nullable(
      v.array(
        v.object({
          regionConfigs: v.optional(
            v.nullable(
              v.array(
                v.object({
                  providerName: v.optional(v.nullable(Text)),
                  electableSpecs: v.optional(
                    v.nullable(v.object({ instanceSize: v.optional(v.nullable(Text)) })),
                  ),
                }),
              ),
            ),
          ),
        }),
      ),
    ),
  ),
});
export type ClusterDescription = v.InferOutput<typeof DescriptionSchema>;

/** Reads the cluster description: the one request that tells a dedicated cluster's shape. */
export function describeCluster(
  client: AtlasClient,
  groupId: string,
  cluster: string,
): Promise<ClusterDescription> {
  return client.call({
    operation: `Reading the description of cluster '${cluster}'`,
    method: 'GET',
    version: ApiVersion.Cluster,
    path: `/groups/${groupId}/clusters/${encodeURIComponent(cluster)}`,
    schema: DescriptionSchema,
  });
}

/** The APIs a cluster may be served by; the dedicated one needs the description first. */
export interface ClusterApis {
  flex: BackupApi;
  shared: BackupApi;
  describe(): Promise<ClusterDescription>;
  dedicated(sharded: boolean): BackupApi;
}

/**
 * Runs `first` against the API that serves the cluster, and returns that API with the result.
 * With `auto`, the Flex API is asked first (every former M2/M5 cluster is Flex now), and its
 * answer doubles as the probe, so a Flex cluster costs no extra request. When Atlas says the
 * cluster is not Flex, its description decides: Cloud Backup for a dedicated cluster, the
 * legacy shared-tier API for a TENANT one.
 */
export async function onClusterApi<T>(
  clusterType: ClusterTypeInput,
  apis: ClusterApis,
  first: (api: BackupApi) => Promise<T>,
  context: { clusterName: string; log: Logger },
): Promise<{ api: BackupApi; result: T }> {
  const on = async (api: BackupApi) => ({ api, result: await first(api) });
  if (clusterType === 'flex') return on(apis.flex);
  if (clusterType === 'shared') return on(apis.shared);
  if (clusterType === 'auto') {
    try {
      return await on(apis.flex);
    } catch (error) {
      if (!(error instanceof AtlasError && error.errorCode === NOT_FLEX)) throw error;
    }
  }
  const description = await apis.describe();
  if (isTenant(description)) {
    if (clusterType === 'dedicated') throw notDedicated(context.clusterName, description);
    return onSharedTier(apis.shared, first, context.clusterName, description);
  }
  checkBackups(context.clusterName, description);
  if (description.encryptionAtRestProvider && description.encryptionAtRestProvider !== 'NONE') {
    context.log.info(
      `Cluster '${context.clusterName}' encrypts data at rest with customer-managed keys (${description.encryptionAtRestProvider}): its snapshot files open only with MongoDB's KMIP Proxy Standalone.`,
    );
  }
  const sharded = description.clusterType === 'SHARDED' || description.clusterType === 'GEOSHARDED';
  return on(apis.dedicated(sharded));
}

function regionConfigs(description: ClusterDescription) {
  return (description.replicationSpecs ?? []).flatMap((spec) => spec.regionConfigs ?? []);
}

function isTenant(description: ClusterDescription): boolean {
  return regionConfigs(description).some((config) => config.providerName === 'TENANT');
}

function isFree(description: ClusterDescription): boolean {
  return regionConfigs(description).some(
    (config) => config.providerName === 'TENANT' && config.electableSpecs?.instanceSize === 'M0',
  );
}

/** Fails before any job is created when the cluster has no Cloud Backup to download. */
function checkBackups(clusterName: string, description: ClusterDescription): void {
  if (description.backupEnabled === false) {
    throw new AtlasError({
      operation: `Checking the backups of cluster '${clusterName}'`,
      status: 0,
      detail: 'Cloud Backup is not enabled on this dedicated cluster, so it has no snapshots',
      remedy:
        "Turn on Cloud Backup in the cluster's configuration (Additional Settings), wait for its first snapshot, then run again",
    });
  }
}

function notDedicated(clusterName: string, description: ClusterDescription): AtlasError {
  return new AtlasError({
    operation: `Checking the backups of cluster '${clusterName}'`,
    status: 0,
    detail: isFree(description)
      ? 'it is a free (M0) cluster, and Atlas takes no downloadable backups of free clusters'
      : 'it is a shared-tier cluster, not a dedicated one',
    remedy: isFree(description)
      ? 'Upgrade the cluster to Flex or a dedicated tier to get backups'
      : "Use cluster-type 'auto' or 'shared'",
  });
}

async function onSharedTier<T>(
  api: BackupApi,
  first: (api: BackupApi) => Promise<T>,
  clusterName: string,
  description: ClusterDescription,
): Promise<{ api: BackupApi; result: T }> {
  if (isFree(description)) throw notDedicated(clusterName, description);
  try {
    return { api, result: await first(api) };
  } catch (error) {
    if (error instanceof AtlasError && sharedTierCannotServe(error)) {
      throw new AtlasError({
        operation: 'Finding the API that serves the cluster',
        status: error.status,
        errorCode: error.errorCode,
        detail: `the cluster is a shared-tier cluster, and the legacy shared-tier API no longer serves it (it answered: ${error.detail ?? `HTTP ${error.status}`})`,
        remedy:
          'Atlas sunset that API on 2026-01-22 and migrates M2/M5 clusters to Flex: once this one is Flex, it downloads with the same inputs. Check cluster-name and group-id',
        cause: error,
      });
    }
    throw error;
  }
}

function sharedTierCannotServe(error: AtlasError): boolean {
  if (error.status === 410) return true;
  if (error.status === 404) return !RESOURCE_NOT_FOUND.has(error.errorCode ?? '');
  return false;
}
