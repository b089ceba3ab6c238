import type { ClusterKind, ClusterTypeInput } from '../constants.ts';
import type { BackupApi } from './backup-api.ts';
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

/**
 * Runs `first` against the API that serves the cluster, and returns that API with the result.
 * With `auto`, the Flex API is asked first (nearly every M2/M5 cluster is Flex since 2025);
 * the shared-tier API only when Atlas says the cluster is not Flex. The first real call doubles
 * as the probe, so detection costs no extra request.
 */
export async function onClusterApi<T>(
  clusterType: ClusterTypeInput,
  apis: Readonly<Record<ClusterKind, BackupApi>>,
  first: (api: BackupApi) => Promise<T>,
): Promise<{ api: BackupApi; result: T }> {
  if (clusterType !== 'auto') {
    const api = apis[clusterType];
    return { api, result: await first(api) };
  }
  try {
    return { api: apis.flex, result: await first(apis.flex) };
  } catch (error) {
    if (!(error instanceof AtlasError && error.errorCode === NOT_FLEX)) throw error;
  }
  try {
    return { api: apis.shared, result: await first(apis.shared) };
  } catch (error) {
    if (error instanceof AtlasError && sharedTierCannotServe(error)) {
      throw new AtlasError({
        operation: 'Finding the API that serves the cluster',
        status: error.status,
        errorCode: error.errorCode,
        detail: `the cluster is neither a Flex cluster (the Flex API said ${NOT_FLEX}) nor a shared-tier cluster the legacy API still serves (it answered: ${error.detail ?? `HTTP ${error.status}`})`,
        remedy:
          'If it is a dedicated (M10+) cluster, this action cannot download it: Atlas serves those snapshots through Cloud Backup restore jobs with delivery type download. If it was an M2/M5 cluster, Atlas has migrated it to Flex: check cluster-name and group-id',
        cause: error,
      });
    }
    throw error;
  }
}

function sharedTierCannotServe(error: AtlasError): boolean {
  if (error.status === 410) return true;
  if (error.status === 404) return !RESOURCE_NOT_FOUND.has(error.errorCode ?? '');
  // A dedicated cluster on the tenant API: Atlas refuses it as a bad request.
  return error.status === 400;
}
