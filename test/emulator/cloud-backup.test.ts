/**
 * Cloud Backup of dedicated clusters in the emulator: seeded clusters, the snapshot and
 * restore-job routes, the job's lifecycle, the one-time link host, cancellation, and the
 * lose-the-create-answer fault. Expected shapes are those of recorded Atlas answers (see
 * cloud-backup-model.ts); the test restates them rather than reading any recording.
 */
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type AtlasEmulator,
  type AtlasEmulatorOptions,
  newestCompleted,
  newestCompletedDedicated,
  startAtlasEmulator,
} from './atlas.ts';
import {
  bearerToken,
  CLUSTER,
  call,
  FLEX,
  flexPath,
  type JobJson,
  type PageJson,
  rawGet,
} from './test-client.ts';

const CLOUD = 'application/vnd.atlas.2023-01-01+json';

interface CloudSnapshotJson {
  id: string;
  status: string;
  snapshotType: string;
  createdAt?: string;
  mongodVersion?: string;
  type: string;
  replicaSetName?: string;
  members?: { id: string; replicaSetName: string; cloudProvider: string }[];
  snapshotIds?: string[];
  configServerType?: string;
  links: { rel: string; href: string }[];
}

interface RestoreJobJson {
  id: string;
  cancelled: boolean;
  expired: boolean;
  failed: boolean;
  deliveryType: string;
  deliveryUrl: string[];
  components?: { replicaSetName: string; downloadUrl?: string }[];
  expiresAt?: string;
  finishedAt?: string;
  snapshotId: string;
  timestamp?: string;
  links: { rel: string; href: string }[];
}

let atlas: AtlasEmulator;
let token: string;
let clock: number;

async function start(options: AtlasEmulatorOptions = {}) {
  clock = Date.parse('2026-08-10T03:00:00Z');
  atlas = await startAtlasEmulator({ now: () => clock, ...options });
  token = await bearerToken(atlas);
}
beforeEach(async () => {
  await start();
});
afterEach(async () => {
  await atlas.close();
});

const backup = (name: string) => {
  const found = atlas.clusters.get(name)?.cloudBackup;
  if (found === undefined) throw new Error(`no dedicated ${name}`);
  return found;
};
const newest = (name: string) => newestCompletedDedicated(backup(name))?.id ?? '';
const path = (cluster: string, rest = '') =>
  `/groups/${atlas.groupId}/clusters/${cluster}/backup${rest}`;
const get = (cluster: string, rest: string) =>
  call(atlas, path(cluster, rest), { accept: CLOUD, token });
const post = (cluster: string, body: unknown) =>
  call(atlas, path(cluster, '/restoreJobs'), {
    method: 'POST',
    accept: CLOUD,
    body: JSON.stringify(body),
    token,
  });
const create = async (cluster = 'dedicated-cluster', snapshotId = newest(cluster)) => {
  const answer = await post(cluster, { deliveryType: 'download', snapshotId });
  expect(answer.status, answer.text).toBe(200);
  return answer.json<RestoreJobJson>();
};
const poll = async (cluster: string, id: string) =>
  (await get(cluster, `/restoreJobs/${id}`)).json<RestoreJobJson>();
/** Polls until the link is there, as a client does. */
const ready = async (cluster: string, id: string) => {
  for (let i = 0; i < 10; i++) {
    const job = await poll(cluster, id);
    if (job.deliveryUrl.length > 0 || job.components?.every((c) => c.downloadUrl)) return job;
  }
  throw new Error('no link');
};
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('seeded dedicated clusters', () => {
  it('a replica set with mixed, unordered snapshots; the right pick is not the newest one', () => {
    const snapshots = backup('dedicated-cluster').snapshots;
    expect(snapshots.map((s) => `${s.status}/${s.snapshotType}`)).toEqual([
      'completed/scheduled',
      'completed/fallback',
      'queued/onDemand',
      'completed/scheduled',
      'failed/scheduled',
      'inProgress/onDemand',
      'completed/scheduled',
      'completed/scheduled',
    ]);
    const byCreated = snapshots
      .filter((s) => s.createdAt !== undefined)
      .sort((a, b) => (b.createdAt ?? '').localeCompare(a.createdAt ?? ''));
    expect(byCreated[0]?.snapshotType).toBe('fallback');
    expect(byCreated[1]?.status).toBe('failed');
    const pick = newestCompletedDedicated(backup('dedicated-cluster'));
    expect(pick).toBe(byCreated[2]);
    expect(pick).toBe(snapshots[6]);
    expect(pick?.createdAt).toBe('2026-08-09T22:00:00Z');
    // The Flex helper has nothing to say about a dedicated cluster.
    const dedicated = atlas.clusters.get('dedicated-cluster');
    expect(dedicated && newestCompleted(dedicated)).toBeUndefined();
  });

  it('a sharded cluster: 2 shards and a config server; a cluster without backups; an M0', () => {
    const sharded = backup('sharded-cluster');
    expect(sharded).toMatchObject({ clusterType: 'SHARDED', configServerType: 'DEDICATED' });
    expect(sharded.replicaSets).toEqual([
      'sharded-cluster-shard-0',
      'sharded-cluster-shard-1',
      'sharded-cluster-config-0',
    ]);
    expect(sharded.snapshots.every((s) => s.members?.length === 3)).toBe(true);
    expect(backup('nobackup-cluster')).toMatchObject({ backupEnabled: false, snapshots: [] });
    expect(backup('free-cluster')).toMatchObject({ instanceSize: 'M0', backupEnabled: false });
  });

  it('more than 500 snapshots put the right one on page 2', async () => {
    atlas.addCluster({ name: 'big', kind: 'dedicated', snapshotCount: 600 });
    const first = (await get('big', '/snapshots?itemsPerPage=500')).json<PageJson>();
    expect(first.totalCount).toBe(600);
    expect(first.links.find((l) => l.rel === 'next')?.href).toContain('pageNum=2');
    const second = (await get('big', '/snapshots?itemsPerPage=500&pageNum=2')).json<PageJson>();
    expect(second.results.map((s) => s.id)).toContain(newest('big'));
  });
});

describe('cluster description and the Flex API', () => {
  const describeCluster = async (name: string) => {
    const answer = await call(atlas, `/groups/${atlas.groupId}/clusters/${name}`, {
      accept: CLUSTER,
      token,
    });
    expect(answer.status).toBe(200);
    return answer.json<Record<string, unknown>>();
  };

  it('answers the recorded M10 shape', async () => {
    const body = await describeCluster('dedicated-cluster');
    expect(body).toMatchObject({
      name: 'dedicated-cluster',
      clusterType: 'REPLICASET',
      backupEnabled: true,
      encryptionAtRestProvider: 'NONE',
      paused: false,
      mongoDBVersion: '8.0.29',
      mongoDBMajorVersion: '8.0',
      stateName: 'IDLE',
      replicationSpecs: [
        {
          zoneName: 'Zone 1',
          regionConfigs: [
            {
              providerName: 'AWS',
              regionName: 'US_EAST_1',
              electableSpecs: { instanceSize: 'M10', nodeCount: 3 },
            },
          ],
        },
      ],
    });
    const links = body.links as { rel: string; href: string }[];
    expect(links.map((l) => l.rel)).toEqual([
      'self',
      'https://cloud.mongodb.com/restoreJobs',
      'https://cloud.mongodb.com/snapshots',
    ]);
  });

  it('sharded, without backups, and M0', async () => {
    const sharded = await describeCluster('sharded-cluster');
    expect(sharded).toMatchObject({ clusterType: 'SHARDED', configServerType: 'DEDICATED' });
    expect(sharded.replicationSpecs).toHaveLength(2);
    expect((await describeCluster('nobackup-cluster')).backupEnabled).toBe(false);
    const free = await describeCluster('free-cluster');
    expect(free.backupEnabled).toBe(false);
    expect(JSON.stringify(free.replicationSpecs)).toContain(
      '"electableSpecs":{"instanceSize":"M0"}',
    );
    expect(JSON.stringify(free.replicationSpecs)).toContain('"providerName":"TENANT"');
  });

  it('the Flex API refuses each with the recorded error', async () => {
    for (const name of [
      'dedicated-cluster',
      'sharded-cluster',
      'nobackup-cluster',
      'free-cluster',
    ]) {
      const answer = await call(atlas, flexPath(atlas, name, '/backup/snapshots'), {
        accept: FLEX,
        token,
      });
      expect(answer.status).toBe(400);
      expect(answer.json()).toEqual({
        detail: `Cannot use non-flex cluster ${name} in the flex API.`,
        error: 400,
        errorCode: 'CANNOT_USE_NON_FLEX_CLUSTER_IN_FLEX_API',
        parameters: [name],
        reason: 'Bad Request',
      });
    }
  });
});

describe('snapshots', () => {
  it('replica set list: paged, recorded fields, lower camel case status', async () => {
    const answer = await get('dedicated-cluster', '/snapshots');
    expect(answer.headers.get('content-type')).toBe(CLOUD);
    const page = answer.json<PageJson<CloudSnapshotJson>>();
    expect(page.totalCount).toBe(8);
    const completed = page.results.find((s) => s.id === newest('dedicated-cluster'));
    expect(Object.keys(completed ?? {})).toEqual([
      'cloudProvider',
      'copyRegions',
      'createdAt',
      'expiresAt',
      'frequencyType',
      'id',
      'links',
      'mongodVersion',
      'policyItems',
      'replicaSetName',
      'snapshotType',
      'status',
      'storageSizeBytes',
      'type',
    ]);
    expect(completed).toMatchObject({
      replicaSetName: 'dedicated-cluster',
      type: 'replicaSet',
      frequencyType: 'daily',
    });
    expect(completed?.links.map((l) => l.rel)).toEqual([
      'self',
      'https://cloud.mongodb.com/cluster',
    ]);
    const queued = page.results.find((s) => s.status === 'queued');
    expect(queued).toMatchObject({ frequencyType: 'ondemand', snapshotType: 'onDemand' });
    expect(queued?.createdAt).toBeUndefined();
    expect(queued?.mongodVersion).toBeUndefined();
    const inProgress = page.results.find((s) => s.status === 'inProgress');
    expect(inProgress?.createdAt).toBeUndefined();
    expect(inProgress?.mongodVersion).toBe('8.0.29');

    const small = (
      await get('dedicated-cluster', '/snapshots?itemsPerPage=3&pageNum=3')
    ).json<PageJson>();
    expect(small.results).toHaveLength(2);
    expect(small.links.map((l) => l.rel)).toEqual(['self', 'previous']);
    const uncounted = (
      await get('dedicated-cluster', '/snapshots?includeCount=false')
    ).json<PageJson>();
    expect(uncounted.totalCount).toBeUndefined();
    const tooMany = await get('dedicated-cluster', '/snapshots?itemsPerPage=501');
    expect([tooMany.status, tooMany.json().errorCode]).toEqual([400, 'VALIDATION_ERROR']);
  });

  it('one snapshot; unknown 404 SNAPSHOT_NOT_FOUND; a bad id 400', async () => {
    const id = newest('dedicated-cluster');
    const one = await get('dedicated-cluster', `/snapshots/${id}`);
    expect(one.json<CloudSnapshotJson>()).toMatchObject({ id, status: 'completed' });
    const missing = await get('dedicated-cluster', '/snapshots/aaaaaaaaaaaaaaaaaaaaaaaa');
    expect(missing.status).toBe(404);
    expect(missing.json()).toMatchObject({
      errorCode: 'SNAPSHOT_NOT_FOUND',
      detail: 'No snapshot with ID aaaaaaaaaaaaaaaaaaaaaaaa exists for cluster dedicated-cluster.',
    });
    const bad = await get('dedicated-cluster', '/snapshots/nope');
    expect([bad.status, bad.json().errorCode]).toEqual([400, 'VALIDATION_ERROR']);
  });

  it('sharded: members, snapshotIds and configServerType; one by id', async () => {
    const page = (await get('sharded-cluster', '/snapshots/shardedClusters')).json<
      PageJson<CloudSnapshotJson>
    >();
    expect(page.totalCount).toBe(8);
    const pick = page.results.find((s) => s.id === newest('sharded-cluster'));
    expect(pick).toMatchObject({ type: 'shardedCluster', configServerType: 'DEDICATED' });
    expect(pick?.members?.map((m) => [m.replicaSetName, m.cloudProvider])).toEqual([
      ['sharded-cluster-shard-0', 'AWS'],
      ['sharded-cluster-shard-1', 'AWS'],
      ['sharded-cluster-config-0', 'AWS'],
    ]);
    expect(pick?.snapshotIds).toEqual(pick?.members?.map((m) => m.id));
    expect(pick?.links[0]?.href).toContain(`/backup/snapshots/shardedCluster/${pick?.id}`);
    const one = await get('sharded-cluster', `/snapshots/shardedCluster/${pick?.id}`);
    expect(one.json<CloudSnapshotJson>().id).toBe(pick?.id);
    // Each kind's routes list nothing for the other kind.
    expect((await get('sharded-cluster', '/snapshots')).json<PageJson>().results).toEqual([]);
    const replicaSet = await get('dedicated-cluster', '/snapshots/shardedClusters');
    expect(replicaSet.json<PageJson>().results).toEqual([]);
    const wrongKind = await get(
      'dedicated-cluster',
      `/snapshots/shardedCluster/${newest('dedicated-cluster')}`,
    );
    expect(wrongKind.status).toBe(404);
  });

  it('only 2023-01-01; Flex and shared clusters are turned away', async () => {
    const old = await call(atlas, path('dedicated-cluster', '/snapshots'), { accept: FLEX, token });
    expect([old.status, old.json().errorCode]).toEqual([406, 'INVALID_VERSION_DATE']);
    const flex = await get('flex-cluster', '/snapshots');
    expect([flex.status, flex.json().errorCode]).toEqual([
      400,
      'CANNOT_USE_FLEX_CLUSTER_IN_CLUSTER_API',
    ]);
    const shared = await get('shared-cluster', '/snapshots');
    expect([shared.status, shared.json().errorCode]).toEqual([
      400,
      'INCORRECT_BACKUP_API_ENDPOINT',
    ]);
    const ghost = await get('ghost', '/snapshots');
    expect([ghost.status, ghost.json().errorCode]).toEqual([404, 'CLUSTER_NOT_FOUND']);
  });
});

describe('POST /restoreJobs', () => {
  it('answers 200 with the recorded new job: no link, no expiresAt', async () => {
    const snapshotId = newest('dedicated-cluster');
    const answer = await post('dedicated-cluster', { deliveryType: 'download', snapshotId });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe(CLOUD);
    const job = answer.json<RestoreJobJson>();
    expect(Object.keys(job)).toEqual([
      'cancelled',
      'deliveryType',
      'deliveryUrl',
      'desiredTimestamp',
      'expired',
      'failed',
      'id',
      'links',
      'snapshotId',
      'timestamp',
    ]);
    expect(job).toMatchObject({
      cancelled: false,
      deliveryType: 'download',
      deliveryUrl: [],
      desiredTimestamp: { increment: null, time: null, date: null },
      expired: false,
      failed: false,
      snapshotId,
      timestamp: backup('dedicated-cluster').snapshots.find((s) => s.id === snapshotId)?.createdAt,
    });
    expect(job.links.map((l) => l.rel)).toEqual([
      'self',
      'https://cloud.mongodb.com/snapshot',
      'https://cloud.mongodb.com/cluster',
      'https://cloud.mongodb.com/group',
    ]);
    expect(job.links[0]?.href).toBe(
      `${atlas.url}/api/atlas/v2${path('dedicated-cluster', `/restoreJobs/${job.id}`)}`,
    );
    expect(atlas.restoreJobs.get(job.id)?.snapshotId).toBe(snapshotId);
  });

  it.each([
    [
      'the Flex body',
      { snapshotId: 'x', targetDeploymentItemName: 'a', targetProjectId: 'b' },
      'INVALID_ATTRIBUTE',
      'targetDeploymentItemName',
    ],
    [
      'no deliveryType',
      { snapshotId: 'aaaaaaaaaaaaaaaaaaaaaaaa' },
      'MISSING_ATTRIBUTE',
      'deliveryType',
    ],
    [
      'an automated restore',
      { deliveryType: 'automated', snapshotId: 'aaaaaaaaaaaaaaaaaaaaaaaa' },
      'INVALID_ATTRIBUTE',
      'deliveryType',
    ],
    [
      'upper case DOWNLOAD',
      { deliveryType: 'DOWNLOAD', snapshotId: 'aaaaaaaaaaaaaaaaaaaaaaaa' },
      'INVALID_ATTRIBUTE',
      'deliveryType',
    ],
    ['no snapshotId', { deliveryType: 'download' }, 'MISSING_ATTRIBUTE', 'snapshotId'],
    [
      'a bad snapshotId',
      { deliveryType: 'download', snapshotId: 'x' },
      'INVALID_ATTRIBUTE',
      'snapshotId',
    ],
  ])('400 for %s', async (_, body, errorCode, parameter) => {
    const answer = await post('dedicated-cluster', body);
    expect(answer.status).toBe(400);
    expect(answer.json()).toMatchObject({ errorCode, parameters: [parameter] });
    expect(atlas.restoreJobs.size).toBe(0);
  });

  it('404 unknown snapshot, 409 incomplete ones, 400 without backups or on an M0', async () => {
    const unknown = await post('dedicated-cluster', {
      deliveryType: 'download',
      snapshotId: 'aaaaaaaaaaaaaaaaaaaaaaaa',
    });
    expect([unknown.status, unknown.json().errorCode]).toEqual([404, 'SNAPSHOT_NOT_FOUND']);
    for (const status of ['queued', 'inProgress', 'failed']) {
      const snapshot = backup('dedicated-cluster').snapshots.find((s) => s.status === status);
      const answer = await post('dedicated-cluster', {
        deliveryType: 'download',
        snapshotId: snapshot?.id,
      });
      expect(answer.status).toBe(409);
      expect(answer.json()).toMatchObject({
        errorCode: 'CANNOT_DOWNLOAD_INCOMPLETE_SNAPSHOT',
        detail: 'Cannot download incomplete cluster snapshot.',
      });
    }
    for (const name of ['nobackup-cluster', 'free-cluster']) {
      const answer = await post(name, {
        deliveryType: 'download',
        snapshotId: 'aaaaaaaaaaaaaaaaaaaaaaaa',
      });
      expect(answer.status).toBe(400);
      expect(answer.json()).toMatchObject({
        errorCode: 'BACKUP_JOB_NOT_FOUND',
        detail: 'Backups are not enabled for this cluster.',
      });
    }
    expect(atlas.restoreJobs.size).toBe(0);
  });

  it('one live download per snapshot; 20 per project', async () => {
    const first = await create();
    const again = await post('dedicated-cluster', {
      deliveryType: 'download',
      snapshotId: first.snapshotId,
    });
    expect([again.status, again.json().errorCode]).toEqual([
      400,
      'CANNOT_DOWNLOAD_SNAPSHOT_CONCURRENTLY',
    ]);
    // Another snapshot is fine until the project's limit.
    atlas.faults.restoreDownloadLimit = 2;
    const other = backup('dedicated-cluster').snapshots.filter(
      (s) => s.status === 'completed' && s.id !== first.snapshotId,
    );
    await create('dedicated-cluster', other[0]?.id);
    const third = await post('dedicated-cluster', {
      deliveryType: 'download',
      snapshotId: other[1]?.id,
    });
    expect([third.status, third.json().errorCode]).toEqual([400, 'TOO_MANY_SNAPSHOT_DOWNLOADS']);
    expect(atlas.faults.restoreDownloadLimit).toBe(2);
    expect(atlas.restoreJobs.size).toBe(2);
  });

  it('the default limit is 20 live jobs in the project', async () => {
    atlas.addCluster({ name: 'many', kind: 'dedicated', snapshotCount: 30 });
    const completed = backup('many').snapshots.filter((s) => s.status === 'completed');
    for (const snapshot of completed.slice(0, 20)) await create('many', snapshot.id);
    const refused = await post('many', { deliveryType: 'download', snapshotId: completed[20]?.id });
    expect(refused.json().errorCode).toBe('TOO_MANY_SNAPSHOT_DOWNLOADS');
  });
});

describe('the job moves on by GETs of it', () => {
  it('link after 2 GETs (default), expiresAt an hour later, finishedAt one GET after that', async () => {
    const created = await create();
    const { deliveryUrl } = await poll('dedicated-cluster', created.id);
    expect(deliveryUrl).toEqual([]);
    clock += 3 * 60_000;
    const linked = await poll('dedicated-cluster', created.id);
    expect(linked.deliveryUrl).toHaveLength(1);
    expect(linked.expiresAt).toBe('2026-08-10T04:03:00Z');
    expect(linked.finishedAt).toBeUndefined();
    const url = new URL(linked.deliveryUrl[0] ?? '');
    expect(url.origin).toBe(atlas.restoreUrl);
    expect(url.origin).not.toBe(atlas.fileUrl);
    expect(url.origin).not.toBe(atlas.url);
    expect(url.pathname).toMatch(
      new RegExp(`^/[A-Za-z0-9]{24}/restore-${created.snapshotId}\\.tar\\.gz$`),
    );
    expect(Object.keys(linked)).toContain('expiresAt');
    const finished = await poll('dedicated-cluster', created.id);
    expect(finished.finishedAt).toBe('2026-08-10T03:03:00Z');
    expect(finished.deliveryUrl).toEqual(linked.deliveryUrl);
  });

  it('the list is paged and shows jobs as they stand, without moving them', async () => {
    const created = await create();
    const list = async () =>
      (await get('dedicated-cluster', '/restoreJobs')).json<PageJson<RestoreJobJson>>();
    const before = await list();
    expect(before.totalCount).toBe(1);
    expect(before.results[0]).toMatchObject({ id: created.id, deliveryUrl: [] });
    expect((await list()).results[0]?.deliveryUrl).toEqual([]);
    expect(atlas.restoreJobs.get(created.id)?.polls).toBe(0);
    await ready('dedicated-cluster', created.id);
    expect((await list()).results[0]?.deliveryUrl).toHaveLength(1);
    const paged = await get('dedicated-cluster', '/restoreJobs?itemsPerPage=1&pageNum=1');
    expect(paged.json<PageJson>().links[0]?.href).toContain('itemsPerPage=1');
    // Another cluster's jobs are not listed, nor readable through it.
    expect((await get('sharded-cluster', '/restoreJobs')).json<PageJson>().results).toEqual([]);
    const elsewhere = await get('sharded-cluster', `/restoreJobs/${created.id}`);
    expect(elsewhere.status).toBe(404);
    expect(elsewhere.json()).toMatchObject({
      errorCode: 'RESTORE_JOB_NOT_FOUND',
      detail: `No restore job with ID ${created.id} exists for cluster sharded-cluster.`,
    });
  });

  it('linkAfterPolls is a knob: 0 puts the link in the POST answer, 5 takes five GETs', async () => {
    atlas.faults.restoreJobSchedule = { linkAfterPolls: 0 };
    expect((await create()).deliveryUrl).toHaveLength(1);
    await start({ restoreJobSchedule: { linkAfterPolls: 5 } });
    const job = await create();
    const urls = [];
    for (let i = 0; i < 5; i++)
      urls.push((await poll('dedicated-cluster', job.id)).deliveryUrl.length);
    expect(urls).toEqual([0, 0, 0, 0, 1]);
  });

  it.each([
    ['failed', { failed: true, cancelled: false, expired: false }],
    ['cancelled', { failed: false, cancelled: true, expired: false }],
    ['expired', { failed: false, cancelled: false, expired: true }],
  ] as const)('the schedule can end it %s, never with a link', async (end, flags) => {
    atlas.faults.restoreJobSchedule = { linkAfterPolls: 2, end };
    const job = await create();
    expect((await poll('dedicated-cluster', job.id)).failed).toBe(false);
    const ended = await poll('dedicated-cluster', job.id);
    expect(ended).toMatchObject({ ...flags, deliveryUrl: [] });
    expect((await poll('dedicated-cluster', job.id)).deliveryUrl).toEqual([]);
    if (end === 'failed') expect(ended.finishedAt).toBeDefined();
    // An ended job is not live: the snapshot can be asked for again.
    atlas.faults.restoreJobSchedule = { linkAfterPolls: 2 };
    await create('dedicated-cluster', job.snapshotId);
  });

  it('a link expires an hour after it appeared: the job says so and the link is refused', async () => {
    const job = await ready('dedicated-cluster', (await create()).id);
    clock += 60 * 60_000;
    token = await bearerToken(atlas);
    expect((await poll('dedicated-cluster', job.id)).expired).toBe(true);
    const refused = await rawGet(job.deliveryUrl[0] ?? '');
    expect([refused.status, refused.headers['x-emulator-refusal']]).toEqual([410, 'expired']);
    await create('dedicated-cluster', job.snapshotId);
  });
});

describe('sharded download jobs', () => {
  it('every component gets its downloadUrl; each file is distinct and valid', async () => {
    const created = await create('sharded-cluster');
    expect(created.components).toEqual([
      { replicaSetName: 'sharded-cluster-shard-0' },
      { replicaSetName: 'sharded-cluster-shard-1' },
      { replicaSetName: 'sharded-cluster-config-0' },
    ]);
    expect(created.links[1]?.href).toContain(`/snapshots/shardedCluster/${created.snapshotId}`);
    const job = await ready('sharded-cluster', created.id);
    expect(job.deliveryUrl).toEqual([]);
    const members = backup('sharded-cluster').snapshots.find(
      (s) => s.id === created.snapshotId,
    )?.members;
    const files = await atlas.restoreFiles(job.id);
    expect(files.map((f) => f.replicaSetName)).toEqual(members?.map((m) => m.replicaSetName));
    expect(new Set(files.map((f) => f.file.sha256)).size).toBe(3);
    for (const [index, component] of (job.components ?? []).entries()) {
      expect(component.downloadUrl).toBe(files[index]?.url);
      expect(component.downloadUrl).toContain(`/restore-${members?.[index]?.id}.tar.gz`);
      const body = await rawGet(component.downloadUrl ?? '');
      expect(body.status).toBe(200);
      expect(body.bytes.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
      expect(sha256(body.bytes)).toBe(files[index]?.file.sha256);
    }
  });

  it('shardedDeliveryUrl also lists the links in deliveryUrl', async () => {
    atlas.faults.restoreJobSchedule = { linkAfterPolls: 1, shardedDeliveryUrl: true };
    const job = await ready('sharded-cluster', (await create('sharded-cluster')).id);
    expect(job.deliveryUrl).toEqual(job.components?.map((c) => c.downloadUrl));
  });
});

describe('one-time links', () => {
  const linkOf = async () => {
    const job = await ready('dedicated-cluster', (await create()).id);
    const [file] = await atlas.restoreFiles(job.id);
    if (file === undefined) throw new Error('no file');
    return { job, url: job.deliveryUrl[0] ?? '', file: file.file };
  };

  it('one complete download, then 410; HEAD does not spend it', async () => {
    const { url, file } = await linkOf();
    expect(file.sha256).toBe((await atlas.snapshotFile()).sha256);
    const head = await fetch(url, { method: 'HEAD' });
    expect([head.status, head.headers.get('content-length')]).toEqual([200, String(file.size)]);
    const first = await rawGet(url);
    expect([first.status, first.ending, sha256(first.bytes)]).toEqual([
      200,
      'complete',
      file.sha256,
    ]);
    const second = await rawGet(url);
    expect(second.status).toBe(410);
    expect(second.headers['x-emulator-refusal']).toBe('used');
    expect(second.bytes.toString()).toContain('already been used');
    expect(atlas.requests.filter((r) => r.server === 'restore').map((r) => r.status)).toEqual([
      200, 200, 410,
    ]);
  });

  it('Range is honoured by default: a cut download resumes, and the last byte spends it', async () => {
    const { url, file } = await linkOf();
    atlas.faults.oneTimeLinks.reset = { afterBytes: 100_000, times: 1 };
    const cut = await rawGet(url);
    expect(cut.ending).toBe('reset');
    const got = cut.bytes.length;
    const head = await rawGet(url, { range: 'bytes=0-9' });
    expect([head.status, head.headers['content-range']]).toEqual([206, `bytes 0-9/${file.size}`]);
    const rest = await rawGet(url, { range: `bytes=${got}-` });
    expect(rest.status).toBe(206);
    expect(sha256(Buffer.concat([cut.bytes, rest.bytes]))).toBe(file.sha256);
    expect((await rawGet(url, { range: 'bytes=0-' })).status).toBe(410);
  });

  it('ignoreRange answers the whole file; refuseRepeat refuses any request after the first', async () => {
    const { url, file } = await linkOf();
    atlas.faults.oneTimeLinks.ignoreRange = true;
    atlas.faults.oneTimeLinks.truncate = { afterBytes: 1000, times: 1 };
    const cut = await rawGet(url);
    expect(cut.ending).toBe('cut');
    const whole = await rawGet(url, { range: 'bytes=1000-' });
    expect([whole.status, whole.bytes.length]).toEqual([200, file.size]);

    const second = await linkOf2();
    atlas.faults.oneTimeLinks.refuseRepeat = true;
    atlas.faults.oneTimeLinks.reset = { afterBytes: 1000, times: 1 };
    expect((await rawGet(second)).ending).toBe('reset');
    const again = await rawGet(second, { range: 'bytes=1000-' });
    expect([again.status, again.headers['x-emulator-refusal']]).toEqual([410, 'repeat']);
  });

  /** A second job's link (another completed snapshot). */
  async function linkOf2(): Promise<string> {
    const other = backup('dedicated-cluster').snapshots.find(
      (s) =>
        s.status === 'completed' &&
        s.snapshotType !== 'fallback' &&
        s.id !== newest('dedicated-cluster'),
    );
    const job = await ready('dedicated-cluster', (await create('dedicated-cluster', other?.id)).id);
    return job.deliveryUrl[0] ?? '';
  }

  it('unknown tokens are 404; a link not yet shown does not work; other methods 405', async () => {
    const created = await create();
    const job = atlas.restoreJobs.get(created.id);
    const component = job?.components[0];
    const early = `${atlas.restoreUrl}/${component?.token}/restore-${component?.snapshotId}.tar.gz`;
    expect((await rawGet(early)).status).toBe(404);
    expect(
      (await rawGet(`${atlas.restoreUrl}/AAAAAAAAAAAAAAAAAAAAAAAA/restore-x.tar.gz`)).status,
    ).toBe(404);
    const { url } = { url: (await ready('dedicated-cluster', created.id)).deliveryUrl[0] ?? '' };
    expect(url).toBe(early);
    expect((await fetch(url, { method: 'POST' })).status).toBe(405);
  });
});

describe('DELETE /restoreJobs/{id}', () => {
  it('204, the job is cancelled, its link stops working, the snapshot is free again', async () => {
    const job = await ready('dedicated-cluster', (await create()).id);
    const answer = await call(atlas, path('dedicated-cluster', `/restoreJobs/${job.id}`), {
      method: 'DELETE',
      accept: CLOUD,
      token,
    });
    expect([answer.status, answer.text]).toEqual([204, '']);
    expect(answer.headers.get('content-type')).toBe(CLOUD);
    expect((await poll('dedicated-cluster', job.id)).cancelled).toBe(true);
    const refused = await rawGet(job.deliveryUrl[0] ?? '');
    expect([refused.status, refused.headers['x-emulator-refusal']]).toEqual([410, 'cancelled']);
    await create('dedicated-cluster', job.snapshotId);
    const again = await call(atlas, path('dedicated-cluster', `/restoreJobs/${job.id}`), {
      method: 'DELETE',
      accept: CLOUD,
      token,
    });
    expect(again.status).toBe(204);
    const unknown = await call(
      atlas,
      path('dedicated-cluster', '/restoreJobs/aaaaaaaaaaaaaaaaaaaaaaaa'),
      { method: 'DELETE', accept: CLOUD, token },
    );
    expect([unknown.status, unknown.json().errorCode]).toEqual([404, 'RESTORE_JOB_NOT_FOUND']);
  });
});

describe('loseCreateAnswer: the job is created, the answer is lost', () => {
  it('Flex POST /download, reset: the client sees a dead connection; the list shows the job', async () => {
    atlas.faults.loseCreateAnswer = 1;
    const snapshotId = newestCompleted(atlas.clusters.get('flex-cluster') ?? never())?.id;
    const lost = call(atlas, flexPath(atlas, 'flex-cluster', '/backup/download'), {
      method: 'POST',
      accept: FLEX,
      body: JSON.stringify({ snapshotId }),
      token,
    });
    await expect(lost).rejects.toThrow();
    expect(atlas.faults.loseCreateAnswer).toBe(0);
    expect([...atlas.jobs.values()].map((j) => j.snapshotId)).toEqual([snapshotId]);
    const list = await call(atlas, flexPath(atlas, 'flex-cluster', '/backup/restoreJobs'), {
      accept: FLEX,
      token,
    });
    const [job] = list.json<PageJson<JobJson>>().results;
    expect(job).toMatchObject({ snapshotId, restoreScheduledDate: '2026-08-10T03:00:00Z' });
  });

  it('Cloud Backup POST /restoreJobs, 502: the next POST is refused, the list finds the job', async () => {
    atlas.faults.loseCreateAnswer = 1;
    atlas.faults.loseCreateAnswerAs = 502;
    const snapshotId = newest('dedicated-cluster');
    const lost = await post('dedicated-cluster', { deliveryType: 'download', snapshotId });
    expect(lost.status).toBe(502);
    expect(lost.headers.get('content-type')).toBe('text/html');
    expect(atlas.restoreJobs.size).toBe(1);
    const again = await post('dedicated-cluster', { deliveryType: 'download', snapshotId });
    expect(again.json().errorCode).toBe('CANNOT_DOWNLOAD_SNAPSHOT_CONCURRENTLY');
    const list = (await get('dedicated-cluster', '/restoreJobs')).json<PageJson<RestoreJobJson>>();
    expect(list.results.map((j) => [j.snapshotId, j.cancelled])).toEqual([[snapshotId, false]]);
  });

  it('504 and reset on Cloud Backup too; errors before creation do not spend the knob', async () => {
    atlas.faults.loseCreateAnswer = 2;
    atlas.faults.loseCreateAnswerAs = 504;
    const refused = await post('dedicated-cluster', { deliveryType: 'download' });
    expect(refused.status).toBe(400);
    expect(atlas.faults.loseCreateAnswer).toBe(2);
    expect(
      (
        await post('dedicated-cluster', {
          deliveryType: 'download',
          snapshotId: newest('dedicated-cluster'),
        })
      ).status,
    ).toBe(504);
    atlas.faults.loseCreateAnswerAs = 'reset';
    await expect(
      post('sharded-cluster', { deliveryType: 'download', snapshotId: newest('sharded-cluster') }),
    ).rejects.toThrow();
    expect(atlas.restoreJobs.size).toBe(2);
    expect(atlas.faults.loseCreateAnswer).toBe(0);
  });
});

function never(): never {
  throw new Error('missing');
}
