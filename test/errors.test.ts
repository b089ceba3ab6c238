import { describe, expect, it } from 'vitest';
import { AtlasError, remedyFor } from '../src/atlas/errors.ts';

// The error catalogue of the facts file: each code a user can meet says what to do.
describe('remedyFor', () => {
  it.each([
    [401, 'invalid_client', /client-id and client-secret/],
    [403, 'IP_ADDRESS_NOT_ON_ACCESS_LIST', /access list.*runner IPs change/],
    [
      403,
      'USER_UNAUTHORIZED',
      /Flex .*Project Backup Export Operator.*dedicated .*Project Backup Manager/,
    ],
    [
      403,
      'ACCESS_FORBIDDEN',
      /Flex .*Project Backup Export Operator.*dedicated .*Project Backup Manager/,
    ],
    [404, 'GROUP_NOT_FOUND', /group-id/],
    [404, 'INVALID_GROUP_ID', /group-id/],
    [404, 'CLUSTER_NOT_FOUND', /cluster-name/],
    [404, 'SNAPSHOT_NOT_FOUND', /8 daily snapshots.*dedicated cluster's snapshots expire/],
    [404, 'TENANT_SNAPSHOT_NOT_FOUND', /snapshot-id/],
    [409, 'CANNOT_DOWNLOAD_INCOMPLETE_SNAPSHOT', /not completed yet.*snapshot-id empty/],
    [409, 'CANNOT_START_RESTORE_JOB_FOR_INCOMPLETE_CLUSTER_SNAPSHOT', /not completed yet/],
    [409, 'CANNOT_START_RESTORE_JOB_FOR_DELETED_SNAPSHOT', /deleted.*snapshot-id empty/],
    [
      400,
      'TOO_MANY_SNAPSHOT_DOWNLOADS',
      /dedicated cluster: 20 per project.*shared tier.*try again later/,
    ],
    [400, 'CANNOT_DOWNLOAD_SNAPSHOT_CONCURRENTLY', /already active.*one per snapshot.*cancel/],
    [404, 'RESTORE_JOB_NOT_FOUND', /download job is gone.*run again/],
    [400, 'BACKUP_JOB_NOT_FOUND', /Cloud Backup is off.*turn it on/],
    [400, 'CANNOT_DOWNLOAD_SNAPSHOT_WITH_ENCRYPTION', /encryption at rest/],
    [429, 'RATE_LIMITED_TOKEN_BUCKET', /max-parallel/],
    [429, 'RATE_LIMITED', /max-parallel/],
    [
      400,
      'CANNOT_USE_NON_FLEX_CLUSTER_IN_FLEX_API',
      /cluster-type 'auto' or 'shared', or 'dedicated'/,
    ],
    [
      400,
      'CANNOT_USE_FLEX_CLUSTER_IN_CLUSTER_API',
      /is a Flex cluster: use cluster-type 'auto' or 'flex'/,
    ],
    [410, undefined, /sunset on 2026-01-22.*Flex/],
    [401, undefined, /Check the credentials/],
    [403, 'SOMETHING_NEW', /Project Backup Export Operator.*Project Backup Manager/],
    [503, undefined, /re-run the job later/],
  ])('%d %s', (status, code, remedy) => {
    expect(remedyFor(status, code)).toMatch(remedy);
  });

  it('has nothing to add for an unknown 400', () => {
    expect(remedyFor(400, 'SOMETHING_NEW')).toBeUndefined();
  });

  // Each remedy ends a message that must stay one `::error::` line.
  it.each([
    'CANNOT_DOWNLOAD_SNAPSHOT_CONCURRENTLY',
    'TOO_MANY_SNAPSHOT_DOWNLOADS',
    'SNAPSHOT_NOT_FOUND',
    'RESTORE_JOB_NOT_FOUND',
    'CANNOT_START_RESTORE_JOB_FOR_INCOMPLETE_CLUSTER_SNAPSHOT',
    'CANNOT_START_RESTORE_JOB_FOR_DELETED_SNAPSHOT',
    'BACKUP_JOB_NOT_FOUND',
    'CANNOT_DOWNLOAD_SNAPSHOT_WITH_ENCRYPTION',
    'CANNOT_USE_FLEX_CLUSTER_IN_CLUSTER_API',
    'USER_UNAUTHORIZED',
  ])('%s has a one-line remedy', (code) => {
    expect(remedyFor(400, code)).toMatch(/^[^\r\n]+$/);
  });

  it("reads as one sentence for a dedicated cluster's code too", () => {
    const error = new AtlasError({
      operation: "Requesting a download of snapshot 6a1b2c3d4e5f6a7b8c9d0e1f of cluster 'c'",
      status: 400,
      errorCode: 'BACKUP_JOB_NOT_FOUND',
      detail: 'Backups are not enabled for this cluster.',
    });
    expect(error.message).toBe(
      "Requesting a download of snapshot 6a1b2c3d4e5f6a7b8c9d0e1f of cluster 'c' failed: HTTP 400 BACKUP_JOB_NOT_FOUND Backups are not enabled for this cluster. Cloud Backup is off for this cluster: turn it on in the cluster's settings and wait for its first snapshot",
    );
  });
});

describe('AtlasError', () => {
  it('reads as one sentence: operation, status, code, detail, remedy', () => {
    const error = new AtlasError({
      operation: "Listing the snapshots of Flex cluster 'c'",
      status: 404,
      errorCode: 'CLUSTER_NOT_FOUND',
      detail: 'No cluster named c exists in group 5f1e0c0a9d1b2c3d4e5f6a7b.',
    });
    expect(error.message).toBe(
      "Listing the snapshots of Flex cluster 'c' failed: HTTP 404 CLUSTER_NOT_FOUND No cluster named c exists in group 5f1e0c0a9d1b2c3d4e5f6a7b. Check cluster-name and group-id: the name is case-sensitive",
    );
    expect(error.status).toBe(404);
    expect(error.errorCode).toBe('CLUSTER_NOT_FOUND');
  });

  it('prefers a given remedy and omits the status when no answer came', () => {
    const error = new AtlasError({
      operation: 'Asking',
      status: 0,
      detail: 'ECONNRESET',
      remedy: 'Check the proxy',
    });
    expect(error.message).toBe('Asking failed: ECONNRESET. Check the proxy');
  });
});
