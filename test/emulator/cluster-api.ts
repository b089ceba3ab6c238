/** The two cluster descriptions a client reads to tell Flex from the rest. */
import { AtlasError } from './atlas-error.ts';
import { admitFlex } from './backup-api.ts';
import { dedicatedClusterJson } from './cloud-backup-api.ts';
import { CLUSTER_VERSION, FLEX_VERSION } from './model.ts';
import { clusterJson, flexClusterJson } from './render.ts';
import { href, type Route } from './route.ts';
import { findCluster } from './state.ts';

export const clusterRoutes: Route[] = [
  {
    method: 'GET',
    template: '/groups/{groupId}/flexClusters/{name}',
    family: 'flex',
    version: FLEX_VERSION,
    handle(context) {
      const { state } = context;
      const cluster = findCluster(
        state,
        context.params.groupId ?? '',
        context.params.name ?? '',
        'name',
      );
      admitFlex(cluster);
      return flexClusterJson(cluster, state.groupId, href(state, context.path));
    },
  },
  {
    method: 'GET',
    template: '/groups/{groupId}/clusters/{clusterName}',
    family: 'cluster',
    version: CLUSTER_VERSION,
    handle(context) {
      const { state } = context;
      const name = context.params.clusterName ?? '';
      const cluster = findCluster(state, context.params.groupId ?? '', name, 'clusterName');
      if (cluster.kind === 'flex') {
        throw new AtlasError(
          400,
          'CANNOT_USE_FLEX_CLUSTER_IN_CLUSTER_API',
          `Cluster ${name} is a flex cluster: use the Flex API for it.`,
          { parameters: [name] },
        );
      }
      if (cluster.cloudBackup !== undefined) {
        return dedicatedClusterJson(state, cluster, cluster.cloudBackup);
      }
      return clusterJson(cluster, state.groupId, href(state, context.path));
    },
  },
];
