import { describe, expect, it } from 'vitest';
import { AtlasError, remedyFor } from '../src/atlas/errors.ts';

// The error catalogue of the facts file: each code a user can meet says what to do.
describe('remedyFor', () => {
  it.each([
    [401, 'invalid_client', /client-id and client-secret/],
    [403, 'IP_ADDRESS_NOT_ON_ACCESS_LIST', /access list.*runner IPs change/],
    [403, 'USER_UNAUTHORIZED', /Project Backup Export Operator/],
    [403, 'ACCESS_FORBIDDEN', /Project Backup Export Operator/],
    [404, 'GROUP_NOT_FOUND', /group-id/],
    [404, 'INVALID_GROUP_ID', /group-id/],
    [404, 'CLUSTER_NOT_FOUND', /cluster-name/],
    [404, 'SNAPSHOT_NOT_FOUND', /8 daily snapshots/],
    [404, 'TENANT_SNAPSHOT_NOT_FOUND', /snapshot-id/],
    [409, 'CANNOT_DOWNLOAD_INCOMPLETE_SNAPSHOT', /COMPLETED/],
    [400, 'TOO_MANY_SNAPSHOT_DOWNLOADS', /try again later/],
    [429, 'RATE_LIMITED_TOKEN_BUCKET', /max-parallel/],
    [429, 'RATE_LIMITED', /max-parallel/],
    [400, 'CANNOT_USE_NON_FLEX_CLUSTER_IN_FLEX_API', /cluster-type 'auto' or 'shared'/],
    [410, undefined, /sunset on 2026-01-22.*Flex/],
    [401, undefined, /Check the credentials/],
    [403, 'SOMETHING_NEW', /Project Backup Export Operator/],
    [503, undefined, /re-run the job later/],
  ])('%d %s', (status, code, remedy) => {
    expect(remedyFor(status, code)).toMatch(remedy);
  });

  it('has nothing to add for an unknown 400', () => {
    expect(remedyFor(400, 'SOMETHING_NEW')).toBeUndefined();
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
