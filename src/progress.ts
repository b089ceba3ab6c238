/**
 * Progress lines for a long download. The runner's log keeps every line, so this reports at
 * most once per interval, and measures speed over the last interval so a resume or a slow
 * patch shows up instead of being averaged away.
 */
import type { Clock } from './clock.ts';
import type { Logger } from './log.ts';

export class ProgressReporter {
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly intervalMs: number;
  private lastAt: number;
  private lastBytes: number;

  constructor(clock: Clock, log: Logger, intervalMs: number, startBytes = 0) {
    this.clock = clock;
    this.log = log;
    this.intervalMs = intervalMs;
    this.lastAt = clock.now();
    this.lastBytes = startBytes;
  }

  /** Called for every chunk, so the common path is one clock read and one comparison. */
  update(received: number, total: number | undefined): void {
    const now = this.clock.now();
    const elapsed = now - this.lastAt;
    if (elapsed < this.intervalMs) return;
    const rate = ((received - this.lastBytes) / elapsed) * 1000;
    this.lastAt = now;
    this.lastBytes = received;
    this.log.info(formatProgress(received, total, rate));
  }

  /** A restart from byte zero: the next rate must not count bytes that were thrown away. */
  reset(received: number): void {
    this.lastAt = this.clock.now();
    this.lastBytes = received;
  }
}

export function formatProgress(
  received: number,
  total: number | undefined,
  bytesPerSecond: number,
): string {
  const parts = [
    total === undefined
      ? `Downloaded ${formatBytes(received)}`
      : `Downloaded ${formatBytes(received)} of ${formatBytes(total)} (${percent(received, total)})`,
  ];
  if (Number.isFinite(bytesPerSecond) && bytesPerSecond > 0) {
    parts.push(`${formatRate(bytesPerSecond)}`);
    if (total !== undefined && total > received) {
      parts.push(`about ${formatDuration(((total - received) / bytesPerSecond) * 1000)} left`);
    }
  }
  return parts.join(', ');
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}

export function formatRate(bytesPerSecond: number): string {
  return `${(bytesPerSecond / 1024 / 1024).toFixed(1)} MiB/s`;
}

export function formatDuration(ms: number): string {
  const seconds = Math.ceil(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${seconds % 60}s`;
  return `${Math.floor(minutes / 60)}h ${minutes % 60}m`;
}

function percent(received: number, total: number): string {
  if (total === 0) return '100%';
  // Floor, so 100% only shows once every byte is in.
  return `${Math.floor((received / total) * 100)}%`;
}
