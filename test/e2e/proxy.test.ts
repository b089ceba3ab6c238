import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type AtlasEmulator, startAtlasEmulator } from '../emulator/atlas.ts';
import { emulatorInputs, removeRunDirectories, runAction } from './run-action.ts';

// Each run's RUNNER_TEMP and workspace, downloads included, go once the test has looked at them.
afterEach(removeRunDirectories);

// A real forward proxy on loopback (tinyproxy, from Debian; .ci/run installs it). Where it is
// missing the suite is skipped, and says so.
const tinyproxy = findTinyproxy();
if (tinyproxy === undefined) {
  console.warn('tinyproxy is not installed (apt-get install tinyproxy): skipping the proxy tests.');
}

let proxy: { url: string; log: string; process: ChildProcess } | undefined;
let atlas: AtlasEmulator;

describe.skipIf(tinyproxy === undefined)('through an HTTP proxy', () => {
  beforeAll(async () => {
    proxy = await startTinyproxy(tinyproxy ?? '');
  });
  afterAll(() => {
    proxy?.process.kill();
    if (proxy !== undefined) rmSync(dirname(proxy.log), { recursive: true, force: true });
  });
  beforeEach(async () => {
    atlas = await startAtlasEmulator();
  });
  afterEach(async () => {
    await atlas.close();
  });

  const inputs = () => emulatorInputs(atlas, { delivery: 'file' });
  /** Tunnels the proxy opened to a host: undici sends even http:// requests as CONNECT. */
  const tunnels = (origin: string): number => {
    const { host } = new URL(origin);
    return readFileSync(proxy?.log ?? '', 'utf8')
      .split('\n')
      .filter(
        (line) => line.includes(`Request (file descriptor`) && line.includes(`CONNECT ${host} `),
      ).length;
  };

  it.each(['HTTP_PROXY', 'http_proxy'])(
    'sends the Atlas calls and the snapshot download through %s, loopback included',
    async (variable) => {
      const run = await runAction(inputs(), { env: { [variable]: proxy?.url ?? '' } });
      expect(run.code, run.stdout).toBe(0);
      expect(tunnels(atlas.url)).toBeGreaterThan(0);
      expect(tunnels(atlas.fileUrl)).toBeGreaterThan(0);
    },
  );

  it('bypasses the proxy for hosts in NO_PROXY', async () => {
    const run = await runAction(inputs(), {
      env: { HTTP_PROXY: proxy?.url ?? '', NO_PROXY: '127.0.0.1' },
    });
    expect(run.code, run.stdout).toBe(0);
    expect(tunnels(atlas.url)).toBe(0);
    expect(tunnels(atlas.fileUrl)).toBe(0);
  });
});

function findTinyproxy(): string | undefined {
  for (const candidate of ['/usr/bin/tinyproxy', '/usr/sbin/tinyproxy']) {
    try {
      execFileSync(candidate, ['-v'], { stdio: 'ignore' });
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

async function startTinyproxy(binary: string) {
  const dir = mkdtempSync(join(tmpdir(), 'tinyproxy-'));
  const port = await freePort();
  const log = join(dir, 'tinyproxy.log');
  writeFileSync(log, '');
  writeFileSync(
    join(dir, 'tinyproxy.conf'),
    [
      `Port ${port}`,
      'Listen 127.0.0.1',
      'Timeout 60',
      `LogFile "${log}"`,
      'LogLevel Info',
      'MaxClients 20',
      'Allow 127.0.0.1',
      'DisableViaHeader Yes',
    ].join('\n'),
  );
  const child = spawn(binary, ['-d', '-c', join(dir, 'tinyproxy.conf')], { stdio: 'ignore' });
  await waitForListener(port);
  return { url: `http://127.0.0.1:${port}`, log, process: child };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address !== null
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

/** Resolves once something accepts connections on the port (tinyproxy takes a few ms to start). */
async function waitForListener(port: number): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`tinyproxy did not start listening on port ${port}`);
}
