import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { groupThousands, summaryRows } from '../src/summary.ts';

describe('groupThousands', () => {
  it('groups digits by three as en-US does', () => {
    expect(groupThousands(0)).toBe('0');
    expect(groupThousands(999)).toBe('999');
    expect(groupThousands(1000)).toBe('1,000');
    expect(groupThousands(1_073_741_824)).toBe('1,073,741,824');
    fc.assert(
      fc.property(fc.maxSafeNat(), (n) => {
        expect(groupThousands(n)).toBe(n.toLocaleString('en-US'));
      }),
    );
  });
});

describe('summaryRows', () => {
  it('tells the size in bytes and in binary units, and leaves out what is unknown', () => {
    const rows = summaryRows({
      clusterName: 'c',
      clusterKind: 'flex',
      snapshotId: 's',
      restoreJobId: 'j',
      snapshotFinishedAt: undefined,
      mongodbVersion: '8.0.4',
      expiresAt: undefined,
      delivery: 'file',
      size: 4 * 1024 ** 3,
    });
    expect(Object.fromEntries(rows)).toEqual({
      Cluster: 'c (Flex)',
      Snapshot: 's',
      'MongoDB version': '8.0.4',
      'Download job': 'j',
      Delivery: 'file',
      Size: '4.0 GiB (4,294,967,296 bytes)',
    });
  });
});
