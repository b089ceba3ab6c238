/** Input names as written in action.yml: the only place they are spelled. */
export const Inputs = {
  GroupId: 'group-id',
  ClusterName: 'cluster-name',
  SnapshotId: 'snapshot-id',
  ClientId: 'client-id',
  ClientSecret: 'client-secret',
  PublicKey: 'public-key',
  PrivateKey: 'private-key',
  ClusterType: 'cluster-type',
  Delivery: 'delivery',
  Path: 'path',
  ArtifactName: 'artifact-name',
  RetentionDays: 'retention-days',
  Overwrite: 'overwrite',
  ExtractTo: 'extract-to',
  WaitTimeout: 'wait-timeout',
  AtlasBaseUrl: 'atlas-base-url',
} as const;
export type InputName = (typeof Inputs)[keyof typeof Inputs];

/** Output names as written in action.yml. */
export const Outputs = {
  SnapshotId: 'snapshot-id',
  ClusterType: 'cluster-type',
  RestoreJobId: 'restore-job-id',
  SnapshotUrl: 'snapshot-url',
  ExpiresAt: 'expires-at',
  SnapshotFinishedAt: 'snapshot-finished-at',
  MongodbVersion: 'mongodb-version',
  Path: 'path',
  Size: 'size',
  Sha256: 'sha256',
  Files: 'files',
  ExtractedTo: 'extracted-to',
  ArtifactId: 'artifact-id',
  ArtifactUrl: 'artifact-url',
  ArtifactDigest: 'artifact-digest',
} as const;
export type OutputName = (typeof Outputs)[keyof typeof Outputs];

export const CLUSTER_TYPES = ['auto', 'flex', 'dedicated', 'shared'] as const;
export type ClusterTypeInput = (typeof CLUSTER_TYPES)[number];
/** The API that actually served the request. */
export type ClusterKind = Exclude<ClusterTypeInput, 'auto'>;

export const DELIVERIES = ['artifact', 'file', 'url'] as const;
export type Delivery = (typeof DELIVERIES)[number];
