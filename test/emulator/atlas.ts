/**
 * A local stand-in for MongoDB Atlas's Admin API (Flex and shared-tier snapshot downloads,
 * Cloud Backup download jobs of dedicated clusters, OAuth and Digest auth) and for the hosts
 * that serve snapshot files. Three real HTTP servers on 127.0.0.1: the API, the Flex file host
 * and the one-time link host, each on its own origin as in production.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createApi } from './api.ts';
import { sendAtlasError } from './atlas-error.ts';
import { componentUrl } from './cloud-backup-api.ts';
import type {
  CloudSnapshot,
  EmulatedRestoreJob,
  RestoreJobSchedule,
} from './cloud-backup-model.ts';
import { createDigest, type DigestAlgorithm } from './digest.ts';
import { defaultFaults, type Faults } from './faults.ts';
import { createFileHost } from './file-host.ts';
import { closeServer, type LoggedRequest, listen, logRequest, splitTarget } from './http.ts';
import type { EmulatedCluster, EmulatedJob, EmulatedSnapshot, JobSchedule } from './model.ts';
import { createOAuth } from './oauth.ts';
import { createOneTimeHost } from './one-time-host.ts';
import { DEFAULT_SNAPSHOT_SIZE, type SnapshotFile, snapshotFileOfSize } from './snapshot-file.ts';
import { type AtlasState, addCluster, type NewCluster, newIdFactory, seed } from './state.ts';

export type {
  CloudBackup,
  CloudSnapshot,
  CloudSnapshotMember,
  CloudSnapshotStatus,
  CloudSnapshotType,
  DedicatedClusterType,
  EmulatedRestoreJob,
  RestoreJobComponent,
  RestoreJobSchedule,
} from './cloud-backup-model.ts';
export { newestCompletedDedicated } from './cloud-backup-model.ts';
export type { ByteFault, DownloadFaults, Faults, OneTimeLinkFaults } from './faults.ts';
export type { LoggedRequest } from './http.ts';
export type {
  BackupStatus,
  ClusterKind,
  EmulatedCluster,
  EmulatedJob,
  EmulatedSnapshot,
  JobSchedule,
} from './model.ts';
export { newestCompleted } from './model.ts';
export type { SnapshotFile } from './snapshot-file.ts';

export interface AtlasCredentials {
  /** Service account (OAuth client credentials). */
  clientId: string;
  clientSecret: string;
  /** Programmatic API key (HTTP Digest). */
  publicKey: string;
  privateKey: string;
}

export interface AtlasEmulatorOptions {
  /** API port; 0 (default) picks a free one. The file host always takes a free one. */
  port?: number;
  groupId?: string;
  credentials?: Partial<AtlasCredentials>;
  /** Snapshots seeded on 'flex-cluster' (default 8: the last two are FAILED, then RUNNING). */
  flexSnapshots?: number;
  /** Snapshots seeded on 'shared-cluster' (default 3). */
  sharedSnapshots?: number;
  /** Approximate size of the served .tar.gz (default 2 MiB); generated once per size. */
  snapshotSize?: number;
  /**
   * PEM key and certificate: the file host then serves HTTPS, as the real signed links are
   * (the API stays http on loopback). Clients need the issuing CA.
   */
  fileTls?: { key: string | Buffer; cert: string | Buffer };
  /** Cloud Backup snapshots seeded on 'dedicated-cluster' and 'sharded-cluster' (default 8). */
  dedicatedSnapshots?: number;
  /** Initial faults.jobSchedule. */
  jobSchedule?: Partial<JobSchedule>;
  /** Initial faults.restoreJobSchedule (Cloud Backup download jobs). */
  restoreJobSchedule?: Partial<RestoreJobSchedule>;
  /** Initial faults.digestAlgorithm. */
  digestAlgorithm?: DigestAlgorithm;
  /** The emulator's clock (token and nonce expiry, link expiry, timestamps). */
  now?: () => number;
}

export interface AtlasEmulator {
  /** The atlas-base-url, e.g. 'http://127.0.0.1:40123'. */
  url: string;
  /** Origin of the pre-signed snapshot links (Flex and shared tier). */
  fileUrl: string;
  /** Origin of Cloud Backup's one-time links (dedicated clusters): a third server. */
  restoreUrl: string;
  groupId: string;
  credentials: AtlasCredentials;
  /** By name; tests may add, remove or edit clusters and their snapshots. */
  clusters: Map<string, EmulatedCluster>;
  /** Download jobs by id, as requested through the Flex or the tenant API. */
  jobs: Map<string, EmulatedJob>;
  /** Cloud Backup download jobs (dedicated clusters) by id; tests may edit them. */
  restoreJobs: Map<string, EmulatedRestoreJob>;
  /**
   * Adds (or replaces) a cluster: with `snapshots` as given, else `snapshotCount` seeded.
   * Dedicated: `cloudSnapshots` or `snapshotCount` Cloud Backup ones, and `clusterType`,
   * `shards`, `backupEnabled`, `instanceSize`, `encryptionAtRestProvider`.
   */
  addCluster(cluster: {
    name: string;
    kind: 'flex' | 'shared' | 'dedicated' | 'free';
    snapshots?: EmulatedSnapshot[];
    snapshotCount?: number;
    cloudSnapshots?: CloudSnapshot[];
    clusterType?: NewCluster['clusterType'];
    shards?: number;
    backupEnabled?: boolean;
    instanceSize?: string;
    encryptionAtRestProvider?: NewCluster['encryptionAtRestProvider'];
  }): EmulatedCluster;
  /**
   * The files a Cloud Backup download job serves, one per component in `components` order
   * (replica set: one, named after the cluster), with their sizes and SHA-256s.
   */
  restoreFiles(
    jobId: string,
  ): Promise<{ replicaSetName: string; url: string; file: SnapshotFile }[]>;
  faults: Faults;
  requests: LoggedRequest[];
  /** Access tokens issued so far, oldest first. */
  issuedTokens: readonly string[];
  /** Expires every access token issued so far: the next API call with one gets 401. */
  expireTokens(): void;
  /**
   * The served file; with `size`, switches downloads to a file of about that size (Cloud
   * Backup jobs created afterwards too; sharded components are 16 KiB larger each). With a
   * file already made (such as the benchmark's corpus), serves that one, its ETag from its
   * SHA-256; Cloud Backup jobs then get a generated file of the same size.
   */
  snapshotFile(size?: number | SnapshotFile): Promise<SnapshotFile>;
  /** Closes the servers and destroys open sockets, stalled downloads included. */
  close(): Promise<void>;
}

export const DEFAULT_GROUP_ID = '5f1e0c0a9d1b2c3d4e5f6a7b';
export const DEFAULT_CREDENTIALS: AtlasCredentials = {
  clientId: 'mdb_sa_id_5f1e0c0a9d1b2c3d4e5f6a7c',
  clientSecret: 'mdb_sa_sk_emulator0demo0secret0do0not0use',
  publicKey: 'emulatorx',
  privateKey: '3c0f1a52-7c9e-4b8e-9a1d-2f6e8d4b5c71',
};

export async function startAtlasEmulator(
  options: AtlasEmulatorOptions = {},
): Promise<AtlasEmulator> {
  const now = options.now ?? Date.now;
  const credentials: AtlasCredentials = { ...DEFAULT_CREDENTIALS, ...options.credentials };
  const faults = defaultFaults();
  faults.jobSchedule = { ...faults.jobSchedule, ...options.jobSchedule };
  faults.restoreJobSchedule = { ...faults.restoreJobSchedule, ...options.restoreJobSchedule };
  if (options.digestAlgorithm !== undefined) faults.digestAlgorithm = options.digestAlgorithm;
  const requests: LoggedRequest[] = [];
  let apiOrigin = '';
  let fileOrigin = '';
  let restoreOrigin = '';
  let currentSize = options.snapshotSize ?? DEFAULT_SNAPSHOT_SIZE;
  let currentFile = snapshotFileOfSize(currentSize);

  const files = createFileHost({
    origin: () => fileOrigin,
    now,
    faults: () => faults.download,
    file: () => currentFile,
  });
  const state: AtlasState = {
    groupId: options.groupId ?? DEFAULT_GROUP_ID,
    clusters: new Map(),
    jobs: new Map(),
    faults,
    now,
    nextId: newIdFactory(now()),
    baseUrl: () => apiOrigin,
    files,
    restoreJobs: new Map(),
    restoreOrigin: () => restoreOrigin,
    fileSize: () => currentSize,
  };
  seed(state, {
    flexSnapshots: options.flexSnapshots ?? 8,
    sharedSnapshots: options.sharedSnapshots ?? 3,
    dedicatedSnapshots: options.dedicatedSnapshots ?? 8,
  });
  const oneTime = createOneTimeHost({
    jobs: () => state.restoreJobs.values(),
    now,
    faults: () => faults.oneTimeLinks,
    file: (size) => snapshotFileOfSize(size),
  });

  const oauth = createOAuth({
    clientId: credentials.clientId,
    clientSecret: credentials.clientSecret,
    now,
    ttlSeconds: () => faults.tokenTtlSeconds,
  });
  const digest = createDigest({
    username: credentials.publicKey,
    password: credentials.privateKey,
    now,
    algorithm: () => faults.digestAlgorithm,
    nonceTtlMs: () => faults.nonceTtlMs,
    forceStale: () => {
      if (faults.staleNonces <= 0) return false;
      faults.staleNonces -= 1;
      return true;
    },
  });
  const api = createApi({ state, oauth, digest });

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const { path } = splitTarget(req.url ?? '/');
    if (path === '/api/oauth/token' || path === '/api/oauth/revoke') {
      if (req.method !== 'POST') {
        sendAtlasError(res, 405, 'METHOD_NOT_ALLOWED', `Method ${req.method} is not allowed.`);
        return;
      }
      await (path === '/api/oauth/token' ? oauth.token(req, res) : oauth.revoke(req, res));
      return;
    }
    if (path.startsWith('/api/atlas/v2/')) {
      await api(req, res);
      return;
    }
    sendAtlasError(res, 404, 'RESOURCE_NOT_FOUND', `Cannot find resource ${path}.`, {
      parameters: [path],
    });
  };

  const guarded =
    (server: LoggedRequest['server'], handler: typeof route) =>
    (req: IncomingMessage, res: ServerResponse) => {
      logRequest(requests, server, req, res, now());
      handler(req, res).catch((error: unknown) => {
        if (!res.headersSent) {
          sendAtlasError(res, 500, 'UNEXPECTED_ERROR', `Emulator error: ${String(error)}`);
        } else {
          res.destroy();
        }
      });
    };

  const apiServer = createServer(guarded('atlas', route));
  const serveFiles = guarded('files', (req, res) => files.handle(req, res));
  const fileServer =
    options.fileTls === undefined
      ? createServer(serveFiles)
      : createHttpsServer(options.fileTls, serveFiles);
  const restoreServer = createServer(guarded('restore', oneTime));
  const servers = [apiServer, fileServer, restoreServer];
  apiOrigin = await listen(apiServer, options.port ?? 0);
  try {
    fileOrigin = await listen(fileServer);
    if (options.fileTls !== undefined) fileOrigin = fileOrigin.replace(/^http:/, 'https:');
    restoreOrigin = await listen(restoreServer);
    await currentFile;
  } catch (error) {
    await Promise.all(servers.map(closeServer));
    throw error;
  }

  return {
    url: apiOrigin,
    fileUrl: fileOrigin,
    restoreUrl: restoreOrigin,
    groupId: state.groupId,
    credentials,
    clusters: state.clusters,
    jobs: state.jobs,
    restoreJobs: state.restoreJobs,
    addCluster: (cluster) => addCluster(state, cluster),
    async restoreFiles(jobId) {
      const job = state.restoreJobs.get(jobId);
      if (job === undefined) throw new Error(`no restore job ${jobId}`);
      return Promise.all(
        job.components.map(async (component) => ({
          replicaSetName: component.replicaSetName,
          url: componentUrl(state, component),
          file: await snapshotFileOfSize(component.fileSize),
        })),
      );
    },
    faults,
    requests,
    issuedTokens: oauth.issued,
    expireTokens: () => oauth.expireAll(),
    snapshotFile(size) {
      if (typeof size === 'object') {
        currentSize = size.size;
        currentFile = Promise.resolve(size);
      } else if (size !== undefined) {
        currentSize = size;
        currentFile = snapshotFileOfSize(size);
      }
      return currentFile;
    },
    close: async () => {
      await Promise.all(servers.map(closeServer));
    },
  };
}
