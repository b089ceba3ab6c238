import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { errorLines, removeRunDirectories, runAction } from './run-action.ts';

afterEach(removeRunDirectories);

const FILL_PIPE = pathToFileURL(`${import.meta.dirname}/fill-pipe.ts`).href;

describe('the last lines before the explicit exit', () => {
  it('reach a stdout pipe that cannot take them at once, the ::error:: line included', async () => {
    const run = await runAction(
      { 'group-id': 'not-hex', 'cluster-name': 'c', 'client-id': 'i', 'client-secret': 's' },
      { env: { NODE_OPTIONS: `--import=${FILL_PIPE}` } },
    );
    expect(run.code).toBe(1);
    // The filler went out first, so the pipe was full when the error was written.
    expect(run.stdout.length).toBeGreaterThan(1 << 20);
    expect(errorLines(run)).toEqual([
      "Input 'group-id': 'not-hex' is not an Atlas project ID: expected 24 lowercase hexadecimal characters, as in the project's URL or Project Settings.",
    ]);
    expect(run.stdout.endsWith('\n')).toBe(true);
  });
});
