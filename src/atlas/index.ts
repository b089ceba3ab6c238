import type { Dispatcher } from 'undici';
import type { Clock } from '../clock.ts';
import type { Settings } from '../inputs.ts';
import type { Logger } from '../log.ts';
import { createAuthenticator } from './auth.ts';
import { flexBackupApi, sharedTierBackupApi } from './backup-api.ts';
import { AtlasClient } from './client.ts';
import { cloudBackupApi } from './cloud-backup-api.ts';
import { type ClusterApis, describeCluster } from './cluster-kind.ts';
import { Transport } from './transport.ts';

export interface AtlasDeps {
  dispatcher?: Dispatcher;
  clock: Clock;
  log: Logger;
  signal?: AbortSignal | undefined;
  mask(secret: string): void;
  random?: () => number;
}

export interface Atlas {
  /** Every API that may serve the cluster; which one does is for cluster-kind.ts to find out. */
  apis: ClusterApis;
  /** Gives back what the session holds (the service account's token). Never throws. */
  close(): Promise<void>;
}

/** The Admin API for the settings' project and cluster, with its credentials. */
export function createAtlas(settings: Settings, deps: AtlasDeps): Atlas {
  const transport = new Transport({
    dispatcher: deps.dispatcher,
    clock: deps.clock,
    log: deps.log,
    signal: deps.signal,
    // No single call may retry for longer than the user is prepared to wait in all.
    retry: { maxElapsedMs: Math.min(5 * 60_000, settings.waitTimeoutMs) },
    ...(deps.random && { random: deps.random }),
  });
  const auth = createAuthenticator(settings.credentials, {
    transport,
    baseUrl: settings.atlasBaseUrl,
    clock: deps.clock,
    mask: deps.mask,
  });
  const client = new AtlasClient({ baseUrl: settings.atlasBaseUrl, transport, auth });
  const context = { clock: deps.clock, log: deps.log, signal: deps.signal };
  const { groupId, clusterName } = settings;
  return {
    apis: {
      flex: flexBackupApi(client, context, groupId, clusterName),
      shared: sharedTierBackupApi(client, context, groupId, clusterName),
      describe: () => describeCluster(client, groupId, clusterName),
      dedicated: (sharded) => cloudBackupApi(client, context, groupId, clusterName, sharded),
    },
    close: async () => {
      try {
        await auth.close?.();
      } catch (error) {
        deps.log.debug(`Could not revoke the access token: ${String(error)}`);
      }
    },
  };
}
