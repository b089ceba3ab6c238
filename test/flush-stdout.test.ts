import { Writable } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { flushStdout } from '../src/workflow-commands.ts';

/** A stream whose writes complete only when the test says so: a slow pipe. */
function slowPipe() {
  const pending: (() => void)[] = [];
  const stream = new Writable({
    highWaterMark: 1,
    write(_chunk, _encoding, done) {
      pending.push(done);
    },
  });
  return { stream, pending };
}

describe('flushStdout', () => {
  it('waits until every earlier write is out', async () => {
    const { stream, pending } = slowPipe();
    stream.write('::error::the failure\n');
    let flushed = false;
    const flush = flushStdout(stream, 60_000).then(() => {
      flushed = true;
    });
    await new Promise((r) => setImmediate(r));
    expect(flushed).toBe(false);
    pending.shift()?.(); // the ::error:: line is out; the flush's own empty write follows it
    await new Promise((r) => setImmediate(r));
    pending.shift()?.();
    await flush;
    expect(flushed).toBe(true);
  });

  it('gives up after its limit when nobody reads', async () => {
    vi.useFakeTimers();
    try {
      const { stream } = slowPipe();
      stream.write('stuck\n');
      const flush = flushStdout(stream, 5_000);
      await vi.advanceTimersByTimeAsync(5_000);
      await expect(flush).resolves.toBeUndefined();
    } finally {
      vi.useRealTimers();
    }
  });
});
