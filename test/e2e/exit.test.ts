import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ArtifactService, startArtifactService } from '../emulator/artifact.ts';
import { type AtlasEmulator, startAtlasEmulator } from '../emulator/atlas.ts';
import { emulatorInputs } from './run-action.ts';

let atlas: AtlasEmulator;
let artifacts: ArtifactService;
beforeAll(async () => {
  atlas = await startAtlasEmulator();
  artifacts = await startArtifactService();
});
afterAll(async () => {
  await artifacts.close();
  await atlas.close();
});

/**
 * How the process ends when nothing calls process.exit(): it must end by itself once run()
 * settles. A leaked keep-alive socket or timer makes it hang, and `settle` then kills it.
 */
function runWithoutExit(inputs: Record<string, string>, env: Record<string, string> = {}) {
  const root = mkdtempSync(join(tmpdir(), 'exit-'));
  writeFileSync(join(root, 'output'), '');
  const child = spawn(process.execPath, [resolve(import.meta.dirname, 'run-main.ts')], {
    env: {
      PATH: process.env.PATH ?? '',
      RUNNER_TEMP: root,
      GITHUB_WORKSPACE: root,
      GITHUB_OUTPUT: join(root, 'output'),
      ...Object.fromEntries(
        Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v]),
      ),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    stdout += text;
  });
  return new Promise<{ exitedByItself: boolean; stdout: string; code: number | null }>((settle) => {
    let settledAt = 0;
    const watchdog = setInterval(() => {
      if (settledAt === 0 && /run\(\) (resolved|rejected)/.test(stdout)) settledAt = Date.now();
      // Generous: an idle keep-alive socket would hold the process for minutes, not seconds.
      if (settledAt !== 0 && Date.now() - settledAt > 5_000) child.kill('SIGKILL');
    }, 50);
    child.on('close', (code, signal) => {
      clearInterval(watchdog);
      rmSync(root, { recursive: true, force: true });
      settle({ exitedByItself: signal === null, stdout, code });
    });
  });
}

describe('the process ends by itself when the work is done', () => {
  const inputs = (extra: Record<string, string>) => emulatorInputs(atlas, extra);

  it.each([
    ['url delivery', { delivery: 'url' }, {}],
    ['file delivery', { delivery: 'file' }, {}],
    ['an Atlas failure', { delivery: 'url', 'cluster-name': 'ghost' }, {}],
  ])('after %s', async (_, extra, env) => {
    const result = await runWithoutExit(inputs(extra), env);
    expect(result.stdout).toMatch(/run\(\) (resolved|rejected)/);
    expect(result.exitedByItself, result.stdout).toBe(true);
  });

  it('after artifact delivery', async () => {
    const result = await runWithoutExit(
      inputs({ 'artifact-name': `exit-${Date.now()}.tar.gz` }),
      artifacts.env,
    );
    expect(result.stdout).toMatch(/run\(\) resolved/);
    expect(result.exitedByItself, result.stdout).toBe(true);
  });
});
