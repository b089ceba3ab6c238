import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ServiceAccountAuth } from '../src/atlas/auth.ts';
import { Transport } from '../src/atlas/transport.ts';
import { fakeClock } from '../src/clock.ts';
import { memoryLogger } from '../src/log.ts';

/** An OAuth endpoint whose revoke answers `revokeStatus`, or never answers when undefined. */
let revokeStatus: number | undefined;
let revokes = 0;
let server: Server;
let baseUrl: string;

beforeEach(async () => {
  revokes = 0;
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.url === '/api/oauth/token') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({ access_token: 'token-123', token_type: 'Bearer', expires_in: 3600 }),
        );
        return;
      }
      revokes++;
      if (revokeStatus === undefined) return; // hangs
      res.writeHead(revokeStatus, { 'content-type': 'text/html' });
      res.end('<html>busy</html>');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function auth(signal?: AbortSignal) {
  const clock = fakeClock();
  const transport = new Transport({ clock, log: memoryLogger(), signal, random: () => 0.5 });
  const session = new ServiceAccountAuth('mdb_sa_id_1', 'secret', {
    transport,
    baseUrl,
    clock,
    mask: () => {},
    revokeTimeoutMs: 200,
  });
  return { session, clock };
}

describe('revoking the token at the end of a run', () => {
  it('makes one attempt only: a 5xx is not retried and holds nothing up', async () => {
    revokeStatus = 503;
    const { session, clock } = auth();
    await session.first();
    await expect(session.close()).rejects.toThrow(/HTTP 503/);
    expect(revokes).toBe(1);
    expect(clock.slept).toEqual([]);
  });

  it('gives up within a few seconds when the endpoint never answers', async () => {
    revokeStatus = undefined;
    const { session } = auth();
    await session.first();
    const started = Date.now();
    await expect(session.close()).rejects.toThrow();
    // Bounded by its own deadline (200 ms here, 3 s by default), not the 30 s request timeout.
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(revokes).toBe(1);
  });

  it('still revokes after the run was cancelled', async () => {
    revokeStatus = 200;
    const controller = new AbortController();
    const { session } = auth(controller.signal);
    await session.first();
    controller.abort(new Error('cancelled'));
    await session.close();
    expect(revokes).toBe(1);
  });
});
