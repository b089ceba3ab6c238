import { describe, expect, it } from 'vitest';
import { fakeClock } from '../src/clock.ts';
import { memoryLogger } from '../src/log.ts';
import { formatBytes, formatDuration, formatProgress, ProgressReporter } from '../src/progress.ts';

const MiB = 1024 * 1024;

describe('formatProgress', () => {
  it('gives received, total, percent, speed and time left', () => {
    expect(formatProgress(256 * MiB, 1024 * MiB, 64 * MiB)).toBe(
      'Downloaded 256.0 MiB of 1.0 GiB (25%), 64.0 MiB/s, about 12s left',
    );
  });

  it('leaves out what it cannot know', () => {
    expect(formatProgress(10 * MiB, undefined, 2 * MiB)).toBe('Downloaded 10.0 MiB, 2.0 MiB/s');
    expect(formatProgress(10 * MiB, 20 * MiB, Number.POSITIVE_INFINITY)).toBe(
      'Downloaded 10.0 MiB of 20.0 MiB (50%)',
    );
  });

  it('only says 100% when every byte is in', () => {
    expect(formatProgress(999, 1000, 0)).toContain('(99%)');
  });
});

describe('formatBytes and formatDuration', () => {
  it('use binary units and short durations', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(3 * 1024 * MiB)).toBe('3.0 GiB');
    expect(formatDuration(1500)).toBe('2s');
    expect(formatDuration(125_000)).toBe('2m 5s');
    expect(formatDuration(3_720_000)).toBe('1h 2m');
  });
});

describe('ProgressReporter', () => {
  it('logs at most once per interval, with the speed over that interval', async () => {
    const clock = fakeClock();
    const log = memoryLogger();
    const progress = new ProgressReporter(clock, log, 5000);

    progress.update(1 * MiB, 100 * MiB);
    expect(log.lines).toEqual([]);

    await clock.sleep(5000);
    progress.update(50 * MiB, 100 * MiB);
    progress.update(51 * MiB, 100 * MiB);
    expect(log.lines).toEqual([
      'info: Downloaded 50.0 MiB of 100.0 MiB (50%), 10.0 MiB/s, about 5s left',
    ]);
  });
});
