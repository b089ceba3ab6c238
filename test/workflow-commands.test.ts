import * as core from '@actions/core';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as ours from '../src/workflow-commands.ts';

// index.ts uses its own few workflow commands so a bad input fails before @actions/core is
// loaded; the runner must not be able to tell the difference.

afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

/** What `call` writes to stdout, byte for byte, and the exit code it leaves. */
function written(call: () => void): { bytes: Buffer; exitCode: typeof process.exitCode } {
  const chunks: Buffer[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    chunks.push(Buffer.from(chunk));
    return true;
  });
  const before = process.exitCode;
  try {
    call();
  } finally {
    spy.mockRestore();
  }
  const exitCode = process.exitCode;
  process.exitCode = before;
  return { bytes: Buffer.concat(chunks), exitCode };
}

/** Text with everything the escaping must handle: %, CR, LF, ::, colons, unicode. */
const text = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: fc.constantFrom('%', '\r', '\n', ':', ',', 'a', ' ', '%0A', 'é', '🙂') }),
);

describe('workflow-commands.ts writes what @actions/core writes', () => {
  it.each([
    ['setSecret', ours.setSecret, core.setSecret],
    ['info', ours.info, core.info],
    ['debug', ours.debug, core.debug],
    ['setFailed', ours.setFailed, core.setFailed],
  ] as const)('%s', (_, mine, theirs) => {
    fc.assert(
      fc.property(text, (message) => {
        const a = written(() => mine(message));
        const b = written(() => theirs(message));
        expect(a.bytes.equals(b.bytes), `${a.bytes} vs ${b.bytes}`).toBe(true);
        expect(a.exitCode).toBe(b.exitCode);
      }),
      { numRuns: 300 },
    );
  });

  it('getInput', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('group-id', 'artifact-name', 'two words', 'Mixed Case'),
        fc.option(text, { nil: undefined }),
        (name, value) => {
          const key = `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
          const saved = process.env[key];
          if (value === undefined) delete process.env[key];
          else process.env[key] = value;
          try {
            expect(ours.getInput(name)).toBe(core.getInput(name));
          } finally {
            if (saved === undefined) delete process.env[key];
            else process.env[key] = saved;
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('isDebug', () => {
    for (const value of [undefined, '1', '0', 'true']) {
      vi.stubEnv('RUNNER_DEBUG', value);
      expect(ours.isDebug()).toBe(core.isDebug());
    }
    vi.unstubAllEnvs();
  });
});
