import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type Socket, type Server as TcpServer } from 'node:net';
import { inspect } from 'node:util';
import fc from 'fast-check';
import { Agent } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Authenticator, DigestAuth, ServiceAccountAuth } from '../src/atlas/auth.ts';
import {
  type DownloadJob,
  flexBackupApi,
  type Snapshot,
  sharedTierBackupApi,
} from '../src/atlas/backup-api.ts';
import { AtlasClient } from '../src/atlas/client.ts';
import { describeCluster, onClusterApi } from '../src/atlas/cluster-kind.ts';
import { AtlasError } from '../src/atlas/errors.ts';
import { chooseSnapshot, SnapshotError } from '../src/atlas/snapshot.ts';
import { Transport } from '../src/atlas/transport.ts';
import { fakeClock } from '../src/clock.ts';
import { memoryLogger } from '../src/log.ts';
import { WaitError } from '../src/wait.ts';
import { requestDownloadLink } from './helpers/links.ts';

// Property-based tests of every parser of Atlas answers, against a real HTTP server on
// 127.0.0.1 that answers whatever fast-check makes up: wrong shapes, wrong types, missing
// fields, HTML from a proxy, wrong content types, empty, huge and endless bodies. Whatever
// comes back, a call either returns a value that keeps the schema's promises or fails with
// an AtlasError whose message is one short line that starts with the operation.

const GROUP = '5f1e0c0a9d1b2c3d4e5f6a7b';
const SNAPSHOT = '6a0b1c2d3e4f5a6b7c8d9e0f';
const JOB = '7b1c2d3e4f5a6b7c8d9e0f1a';
const CLUSTER = 'flex-1';
const CLIENT_SECRET = 'mdb_sa_sk_SeCrEt-0123456789abcdef';
const MIB = 1024 * 1024;
const HEX24 = /^[a-f0-9]{24}$/;
/** One short line: the annotation a user reads, not a dump. */
const MAX_MESSAGE = 600;
const NUM_RUNS = 80;

// ---------------------------------------------------------------------------------------------
// The servers: one speaking HTTP through node:http, one writing raw bytes on a socket.

type Reply = (req: IncomingMessage, res: ServerResponse) => void;
let reply: Reply = (_req, res) => res.end();
let seen: { method: string; url: string; authorization: string | undefined }[] = [];
let http: Server;
let baseUrl: string;

let rawReply: (socket: Socket) => void = (socket) => socket.end();
let raw: TcpServer;
let rawUrl: string;
const sockets = new Set<Socket>();

let agent: Agent;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => {
  unhandled.push(reason);
};

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  agent = new Agent();
  http = createServer((req, res) => {
    res.on('error', () => {});
    req.on('error', () => {});
    // Answer once the whole request is in, as a server would.
    req.resume();
    req.on('end', () => {
      seen.push({
        method: req.method ?? '',
        url: req.url ?? '',
        authorization: req.headers.authorization,
      });
      reply(req, res);
    });
  });
  raw = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    // Answer once the request has arrived, as a server would.
    socket.once('data', () => rawReply(socket));
  });
  baseUrl = await listen(http);
  rawUrl = await listen(raw);
});

afterEach(() => {
  expect(unhandled, 'no rejection may go unhandled').toEqual([]);
});

afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  await agent.destroy();
  http.closeAllConnections();
  for (const socket of sockets) socket.destroy();
  await Promise.all([close(http), close(raw)]);
});

function listen(server: Server | TcpServer): Promise<string> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') throw new Error('no port');
      resolve(`http://127.0.0.1:${address.port}`);
    });
  });
}

function close(server: Server | TcpServer): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/** What the server answers: any status, any content type (or none), any body. */
interface Answer {
  status: number;
  contentType: string | undefined;
  body: string;
  headers?: Record<string, string>;
}

function send(res: ServerResponse, answer: Answer): void {
  res.statusCode = answer.status;
  if (answer.contentType !== undefined) res.setHeader('content-type', answer.contentType);
  for (const [name, value] of Object.entries(answer.headers ?? {})) res.setHeader(name, value);
  res.end(answer.body);
}

// ---------------------------------------------------------------------------------------------
// The client under test, built as createAtlas builds it, with a clock that never sleeps.

interface SessionOptions {
  auth?: Authenticator;
  maxAttempts?: number;
  requestTimeoutMs?: number;
  url?: string;
}

const bearer: Authenticator = {
  first: async () => 'Bearer test-token',
  afterUnauthorized: async () => undefined,
};

function session(options: SessionOptions = {}) {
  seen = [];
  const clock = fakeClock();
  const log = memoryLogger();
  const url = options.url ?? baseUrl;
  const transport = new Transport({
    dispatcher: agent,
    clock,
    log,
    requestTimeoutMs: options.requestTimeoutMs ?? 2_000,
    retry: { maxAttempts: options.maxAttempts ?? 2 },
    random: () => 0.5,
  });
  const client = new AtlasClient({ baseUrl: url, transport, auth: options.auth ?? bearer });
  return {
    clock,
    log,
    transport,
    client,
    flex: flexBackupApi(client, { clock, log }, GROUP, CLUSTER),
    shared: sharedTierBackupApi(client, { clock, log }, GROUP, CLUSTER),
  };
}

async function settle<T>(promise: Promise<T>): Promise<{ value: T } | { error: unknown }> {
  try {
    return { value: await promise };
  } catch (error) {
    return { error };
  }
}

/** The promise every failure keeps, whatever the answer was. */
function expectClearError(
  error: unknown,
  operations: readonly string[],
  secrets: readonly string[] = [],
  type: new (...args: never[]) => Error = AtlasError,
  maxLength = MAX_MESSAGE,
): Error {
  if (!(error instanceof type)) {
    throw new Error(`expected a ${type.name}, got ${inspect(error)}`, { cause: error });
  }
  const { message } = error;
  if (type === AtlasError) {
    expect(message).toContain(' failed: ');
    expect(operations.some((op) => message.startsWith(op))).toBe(true);
  }
  expect(message).not.toMatch(/[\p{Cc}\u2028\u2029]/u);
  expect(message.length).toBeLessThanOrEqual(maxLength);
  // Our own stack never shows (a server's text that looks like one may be quoted, on one line).
  expect(message).not.toMatch(/node:internal|node_modules|\/src\/|\.test\.ts/);
  expect(message).not.toMatch(/\b(?:TypeError|RangeError|SyntaxError|ReferenceError)\b/);
  for (const secret of secrets) {
    if (secret.length >= 8) expect(message).not.toContain(secret);
  }
  return error;
}

/** Text from Atlas that may reach a log line, an output or a message: short, one line. */
function expectSafeText(value: unknown): void {
  if (value === undefined || value === null) return;
  expect(typeof value).toBe('string');
  expect(value).not.toMatch(/[\p{Cc}\u2028\u2029]/u);
  expect((value as string).length).toBeLessThanOrEqual(100);
}

function expectStatus(status: unknown): void {
  expect(status).toMatch(/^[A-Z][A-Z0-9_]{0,39}$/);
}

function expectSnapshot(snapshot: Snapshot): void {
  expect(snapshot.id).toMatch(HEX24);
  expectStatus(snapshot.status);
  expectSafeText(snapshot.finishTime);
  expectSafeText(snapshot.mongoDBVersion);
}

function expectJob(job: DownloadJob): void {
  expect(job.id).toMatch(HEX24);
  expectStatus(job.status);
  expectSafeText(job.snapshotId);
  expectSafeText(job.expiresAt);
  expectSafeText(job.snapshotFinishedAt);
  expect(job.files.length).toBeLessThanOrEqual(1);
  for (const file of job.files) expect(typeof file.url).toBe('string');
}

// ---------------------------------------------------------------------------------------------
// What a hostile server says.

const hex24 = fc.stringMatching(/^[a-f0-9]{24}$/);
const statuses = fc.constantFrom('PENDING', 'QUEUED', 'RUNNING', 'FAILED', 'COMPLETED');
const isoTime = fc
  .date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true })
  .map((d) => d.toISOString().replace('.000', ''));

/** Strings no honest API sends: control characters, workflow commands, markup, megabytes. */
const nastyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    '',
    ' ',
    'COMPLETED\n::error::injected',
    'RUNNING\r\n::add-mask::x',
    '\u2028',
    '<script>alert(1)</script>',
    '__proto__',
    'constructor',
    'toString',
    'x'.repeat(100_000),
    '<'.repeat(50_000),
    `line one\n${'  at Object.<anonymous> (/app/index.js:1:1)\n'.repeat(20)}`,
  ),
);
const anyJson = fc.jsonValue({ maxDepth: 3 });

/** A field that is mostly right, sometimes wrong in type, nasty in content, null or gone. */
function field<T>(valid: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 20, arbitrary: valid },
    { weight: 1, arbitrary: nastyText },
    { weight: 1, arbitrary: anyJson },
    { weight: 1, arbitrary: fc.constant(null) },
  );
}

/** Objects with every field present most of the time, and with any of them missing sometimes. */
function shape(fields: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.record(fields) },
    { weight: 1, arbitrary: fc.record(fields, { requiredKeys: [] }) },
  );
}

const snapshotShape = shape({
  id: field(hex24),
  status: field(statuses),
  scheduledTime: field(isoTime),
  finishTime: field(isoTime),
  expiration: field(isoTime),
  mongoDBVersion: field(fc.constantFrom('8.0.4', '7.0.12')),
});
const pageShape = shape({
  results: field(fc.array(snapshotShape, { maxLength: 4 })),
  totalCount: field(fc.nat()),
  links: field(
    fc.oneof(
      { weight: 6, arbitrary: fc.constant([{ rel: 'self', href: 'https://x/self' }]) },
      { weight: 1, arbitrary: fc.constant([{ rel: 'next', href: 'https://x/next' }]) },
      { weight: 1, arbitrary: fc.array(anyJson, { maxLength: 3 }) },
    ),
  ),
});
/** The signed link is a bearer credential: no message may show it before it is masked. */
const SIGNATURE = 'X-Amz-Signature=5ec2e7c0ffee5ec2e7c0ffee5ec2e7c0';
const signedUrl = fc
  .tuple(fc.webUrl({ validSchemes: ['https', 'http'] }), fc.webPath())
  .map(([origin, path]) => `${new URL(origin).origin}${path}/snap.tgz?${SIGNATURE}`);
const jobShape = shape({
  id: field(hex24),
  deliveryType: field(fc.constantFrom('DOWNLOAD', 'RESTORE')),
  status: field(statuses),
  snapshotId: field(hex24),
  snapshotUrl: field(
    fc.oneof(
      { weight: 4, arbitrary: signedUrl },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          'ftp://x/y',
          'not a url',
          '',
          `https://blob.example/a b.tgz?${SIGNATURE}`,
          `https://blob.example/\n.tgz?${SIGNATURE}`,
        ),
      },
    ),
  ),
  expirationDate: field(isoTime),
  snapshotFinishedDate: field(isoTime),
});
const errorShape = shape({
  error: field(fc.integer({ min: 100, max: 599 })),
  errorCode: field(
    fc.constantFrom(
      'CLUSTER_NOT_FOUND',
      'SNAPSHOT_NOT_FOUND',
      'IP_ADDRESS_NOT_ON_ACCESS_LIST',
      'RATE_LIMITED_TOKEN_BUCKET',
      'CANNOT_USE_NON_FLEX_CLUSTER_IN_FLEX_API',
      '__proto__',
      'constructor',
      'hasOwnProperty',
    ),
  ),
  detail: field(fc.string({ maxLength: 200 })),
  reason: field(fc.string({ maxLength: 40 })),
  parameters: field(fc.array(anyJson, { maxLength: 3 })),
});
const html = fc
  .tuple(fc.string({ maxLength: 30 }), fc.string({ maxLength: 200 }))
  .map(
    ([title, text]) =>
      `<!DOCTYPE html>\n<html><head><title>${title}</title></head>\n<body><h1>502 Bad Gateway</h1>\n<p>${text}</p><hr><center>nginx</center></body></html>`,
  );

/** A body: the expected shape (mangled), another Atlas shape, or nothing like JSON at all. */
function body(expected: fc.Arbitrary<unknown>): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 8, arbitrary: expected.map((value) => JSON.stringify(value)) },
    { weight: 2, arbitrary: errorShape.map((value) => JSON.stringify(value)) },
    { weight: 2, arbitrary: anyJson.map((value) => JSON.stringify(value)) },
    { weight: 2, arbitrary: html },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(expected, fc.nat())
        .map(([value, at]) => JSON.stringify(value).slice(0, at % 50)),
    },
    { weight: 1, arbitrary: fc.constant('') },
  );
}

const statusCode = fc.oneof(
  { weight: 10, arbitrary: fc.constant(200) },
  {
    weight: 6,
    arbitrary: fc.constantFrom(
      201,
      202,
      204,
      301,
      304,
      400,
      401,
      403,
      404,
      406,
      409,
      410,
      418,
      429,
      500,
      502,
      503,
      504,
      599,
    ),
  },
);
/** Header values Node will send: no line breaks, nothing outside Latin-1. */
const headerSafe = (text: string) => !/[^\t\x20-\x7e\x80-\xff]/.test(text);
const contentType = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom(
      'application/json',
      'application/vnd.atlas.2024-11-13+json',
      'application/vnd.atlas.2023-01-01+json;charset=utf-8',
    ),
  },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      undefined,
      'text/html',
      'text/html; charset=utf-8',
      'text/plain',
      'application/octet-stream',
      'application/jsonp',
      'APPLICATION/JSON',
      '',
    ),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }).filter(headerSafe) },
);
const extraHeaders = fc.record(
  {
    'x-error-code': fc.oneof(
      fc.string({ maxLength: 30 }).filter(headerSafe),
      fc.constant('x'.repeat(4_000)),
      fc.constant('__proto__'),
    ),
    'retry-after': fc.constantFrom('0', '1', '86400', 'Wed, 21 Oct 2015 07:28:00 GMT', 'soon'),
  },
  { requiredKeys: [] },
);

/** A third of the time the answer Atlas would give (fields mangled), else anything at all. */
function answer(expected: fc.Arbitrary<unknown>): fc.Arbitrary<Answer> {
  return fc.oneof(
    expected.map((value) => ({
      status: 200,
      contentType: 'application/vnd.atlas.2024-11-13+json',
      body: JSON.stringify(value),
    })),
    fc.record({ status: statusCode, contentType, body: body(expected), headers: extraHeaders }),
    fc.record({ status: statusCode, contentType, body: body(expected), headers: extraHeaders }),
  );
}

const flexLabel = `Flex cluster '${CLUSTER}'`;
const calls = [
  {
    name: 'the snapshot list (Flex, paged)',
    operations: [`Listing the snapshots of ${flexLabel}`],
    shape: pageShape,
    run: (s: ReturnType<typeof session>) => s.flex.listSnapshots(),
    check: (value: Snapshot[]) => value.forEach(expectSnapshot),
  },
  {
    name: 'the snapshot list (shared tier)',
    operations: [`Listing the snapshots of shared-tier cluster '${CLUSTER}'`],
    shape: pageShape,
    run: (s: ReturnType<typeof session>) => s.shared.listSnapshots(),
    check: (value: Snapshot[]) => value.forEach(expectSnapshot),
  },
  {
    name: 'one snapshot',
    operations: [`Reading snapshot ${SNAPSHOT} of ${flexLabel}`],
    shape: snapshotShape,
    run: (s: ReturnType<typeof session>) => s.flex.getSnapshot(SNAPSHOT),
    check: expectSnapshot,
  },
  {
    name: 'the download request',
    // An ambiguous failure (a 5xx) makes it look for the job before asking again.
    operations: [
      `Requesting a download of snapshot ${SNAPSHOT} of ${flexLabel}`,
      `Looking for the download job of snapshot ${SNAPSHOT} of ${flexLabel}`,
    ],
    shape: jobShape,
    run: (s: ReturnType<typeof session>) => s.flex.requestDownload(SNAPSHOT),
    check: expectJob,
  },
  {
    name: 'one download job',
    operations: [`Reading download job ${JOB} of ${flexLabel}`],
    shape: jobShape,
    run: (s: ReturnType<typeof session>) => s.flex.getJob(JOB),
    check: expectJob,
  },
] as const;

// ---------------------------------------------------------------------------------------------

describe('every Atlas answer parser, against whatever a server sends', () => {
  for (const call of calls) {
    it(`${call.name}: a schema-valid value or one clear AtlasError`, async () => {
      await fc.assert(
        fc.asyncProperty(answer(call.shape), async (generated) => {
          reply = (_req, res) => send(res, generated);
          const s = session();
          const result = await settle<unknown>(call.run(s));
          if ('value' in result) {
            expect(generated.status).toBeGreaterThanOrEqual(200);
            expect(generated.status).toBeLessThan(300);
            expect(generated.contentType).toMatch(/json/i);
            (call.check as (value: unknown) => void)(result.value);
          } else {
            const error = expectClearError(result.error, call.operations, [
              SIGNATURE,
            ]) as AtlasError;
            expect([0, generated.status]).toContain(error.status);
          }
        }),
        { numRuns: NUM_RUNS },
      );
    });
  }

  it('waiting for the link: a usable https link, or one clear AtlasError or WaitError', async () => {
    const operations = [
      `Requesting a download of snapshot ${SNAPSHOT} of ${flexLabel}`,
      `Looking for the download job of snapshot ${SNAPSHOT} of ${flexLabel}`,
      `Reading download job`,
    ];
    await fc.assert(
      fc.asyncProperty(answer(jobShape), answer(jobShape), async (created, polled) => {
        reply = (req, res) => send(res, req.method === 'POST' ? created : polled);
        const s = session();
        const masked: string[] = [];
        const result = await settle(
          requestDownloadLink(s.flex, SNAPSHOT, {
            timeoutMs: 60_000,
            clock: s.clock,
            log: s.log,
            mask: (secret) => masked.push(secret),
            allowHttp: true,
          }),
        );
        if ('value' in result) {
          const link = result.value;
          expect(link.jobId).toMatch(HEX24);
          expect(['http:', 'https:']).toContain(new URL(link.url).protocol);
          expect(link.url).not.toMatch(/[\s\p{Cc}]/u);
          expect(masked).toContain(link.url);
          expectSafeText(link.expiresAt);
          expectSafeText(link.snapshotFinishedAt);
        } else if (result.error instanceof WaitError) {
          expectClearError(result.error, [], [SIGNATURE], WaitError);
        } else {
          expectClearError(result.error, operations, [SIGNATURE]);
        }
        for (const line of s.log.lines) expect(line).not.toMatch(/[\r\n\u2028\u2029]/);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('raw bytes on the socket: a schema-valid value or one clear AtlasError', async () => {
    const headerLine = fc.oneof(
      fc.constantFrom(
        'Content-Type: application/json',
        'Content-Type: text/html',
        'Content-Length: 0',
        'Content-Length: 5',
        'Content-Length: 999999',
        'Content-Length: -1',
        'Content-Length: 2, 3',
        'Transfer-Encoding: chunked',
        'Transfer-Encoding: gzip',
        'Connection: close',
        'X-Junk: \u00ff\u00fe',
        `X-Long: ${'y'.repeat(20_000)}`,
      ),
      fc.string({ unit: 'binary-ascii', maxLength: 30 }),
    );
    const response = fc.oneof(
      fc
        .tuple(
          fc.constantFrom('HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/1.1  ', 'ICY', ''),
          fc.oneof(statusCode.map(String), fc.constantFrom('99', '1000', 'abc', '')),
          fc.array(headerLine, { maxLength: 4 }),
          body(snapshotShape),
          fc.constantFrom('\r\n', '\n', '\r'),
        )
        .map(
          ([version, status, headers, text, eol]) =>
            `${version} ${status} Reason${eol}${headers.join(eol)}${eol}${eol}${text}`,
        )
        .map((text) => Buffer.from(text, 'latin1')),
      fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)),
    );
    await fc.assert(
      fc.asyncProperty(response, async (bytes) => {
        rawReply = (socket) => socket.end(bytes);
        const s = session({ url: rawUrl, maxAttempts: 1, requestTimeoutMs: 1_000 });
        const result = await settle(s.flex.getSnapshot(SNAPSHOT));
        if ('value' in result) expectSnapshot(result.value);
        else expectClearError(result.error, [`Reading snapshot ${SNAPSHOT} of ${flexLabel}`]);
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

describe('finding the snapshot, on whatever both APIs answer', () => {
  it('a COMPLETED snapshot, or one clear AtlasError or SnapshotError', async () => {
    const notFlex: Answer = {
      status: 400,
      contentType: 'application/json',
      body: JSON.stringify({ error: 400, errorCode: 'CANNOT_USE_NON_FLEX_CLUSTER_IN_FLEX_API' }),
    };
    const apiAnswers = fc.record({ list: answer(pageShape), one: answer(snapshotShape) });
    // What the cluster description says of a shared-tier (TENANT) cluster.
    const tenant: Answer = {
      status: 200,
      contentType: 'application/vnd.atlas.2024-08-05+json',
      body: JSON.stringify({
        clusterType: 'REPLICASET',
        replicationSpecs: [
          { regionConfigs: [{ providerName: 'TENANT', electableSpecs: { instanceSize: 'M2' } }] },
        ],
      }),
    };
    await fc.assert(
      fc.asyncProperty(
        fc.boolean(),
        apiAnswers,
        apiAnswers,
        fc.constantFrom(undefined, SNAPSHOT),
        async (isFlex, flex, shared, snapshotId) => {
          reply = (req, res) => {
            const url = req.url ?? '';
            const answers = url.includes('/flexClusters/') ? flex : shared;
            if (url.split('?')[0]?.endsWith(`/clusters/${CLUSTER}`)) send(res, tenant);
            else if (answers === flex && !isFlex) send(res, notFlex);
            else send(res, url.includes(`/snapshots/${SNAPSHOT}`) ? answers.one : answers.list);
          };
          const s = session();
          const result = await settle(
            onClusterApi(
              'auto',
              {
                flex: s.flex,
                shared: s.shared,
                describe: () => describeCluster(s.client, GROUP, CLUSTER),
                dedicated: () => {
                  throw new Error('a TENANT cluster is not dedicated');
                },
              },
              (api) => chooseSnapshot(api, snapshotId, CLUSTER, s.log),
              { clusterName: CLUSTER, log: s.log },
            ),
          );
          if ('value' in result) {
            expectSnapshot(result.value.result);
            expect(result.value.result.status).toBe('COMPLETED');
          } else if (result.error instanceof SnapshotError) {
            expectClearError(result.error, [], [SIGNATURE], SnapshotError);
          } else {
            expectClearError(
              result.error,
              [
                'Listing the snapshots',
                'Reading snapshot',
                'Finding the API',
                'Reading the description',
              ],
              [SIGNATURE],
              AtlasError,
              // The dedicated-cluster explanation is long on purpose; it is still one line.
              800,
            );
          }
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });
});

describe('authentication answers', () => {
  const tokenOperation = 'Getting an access token for the service account';
  const token = fc.oneof(
    { weight: 6, arbitrary: fc.stringMatching(/^[A-Za-z0-9._~+/-]{16,60}$/) },
    {
      weight: 2,
      arbitrary: fc.constantFrom('tok\nen-0123456789', 'tøken€-0123456789', ' spaced token ', 'a'),
    },
    { weight: 1, arbitrary: nastyText },
  );
  const tokenShape = shape({
    access_token: field(token),
    token_type: field(fc.constantFrom('Bearer', 'bearer', 'BEARER', 'mac')),
    expires_in: field(fc.oneof(fc.integer({ min: -10, max: 1e9 }), fc.double())),
  });
  const oauthError = shape({
    error: field(fc.constantFrom('invalid_client', 'invalid_request', '__proto__')),
    error_description: field(fc.string({ maxLength: 100 })),
  });
  const snapshotJson = JSON.stringify({ id: SNAPSHOT, status: 'COMPLETED' });

  it('the OAuth token answer: a working token, or one clear AtlasError that shows no secret', async () => {
    await fc.assert(
      fc.asyncProperty(
        answer(
          fc.oneof({ weight: 3, arbitrary: tokenShape }, { weight: 1, arbitrary: oauthError }),
        ),
        async (generated) => {
          reply = (req, res) => {
            if (req.url === '/api/oauth/token') send(res, generated);
            else send(res, { status: 200, contentType: 'application/json', body: snapshotJson });
          };
          const s = session();
          const masked: string[] = [];
          const auth = new ServiceAccountAuth('mdb_sa_id_0123', CLIENT_SECRET, {
            transport: s.transport,
            baseUrl,
            clock: s.clock,
            mask: (secret) => masked.push(secret),
          });
          const client = new AtlasClient({ baseUrl, transport: s.transport, auth });
          const result = await settle(
            flexBackupApi(client, s, GROUP, CLUSTER).getSnapshot(SNAPSHOT),
          );
          const sentToken = (() => {
            try {
              const parsed: unknown = JSON.parse(generated.body);
              const value = (parsed as { access_token?: unknown } | null)?.access_token;
              return typeof value === 'string' ? value : undefined;
            } catch {
              return undefined;
            }
          })();
          if ('value' in result) {
            expectSnapshot(result.value);
            const used = seen.find((r) => r.url.startsWith('/api/atlas'))?.authorization;
            expect(used).toBe(`Bearer ${sentToken}`);
            expect(sentToken).toMatch(/^[\x21-\x7e]+$/);
            expect(masked).toContain(sentToken);
          } else {
            const basic = Buffer.from(`mdb_sa_id_0123:${CLIENT_SECRET}`).toString('base64');
            expectClearError(
              result.error,
              [tokenOperation],
              // A short "token" (say `__proto__`) may well be in the message for another reason.
              [
                CLIENT_SECRET,
                basic,
                sentToken !== undefined && sentToken.length >= 16 ? sentToken : '',
              ],
            );
            expect(seen.filter((r) => r.url.startsWith('/api/atlas'))).toEqual([]);
          }
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });

  it('Digest challenges: a signed request, or one clear AtlasError, in at most three requests', async () => {
    const param = fc.oneof(
      fc.constantFrom(
        'realm="MMS Public API"',
        'nonce="abc123"',
        'nonce=""',
        'algorithm=MD5',
        'algorithm=SHA-256',
        'algorithm=MD5-sess',
        'qop="auth"',
        'qop="auth-int"',
        'stale=true',
        'opaque="\u00ff\u00e9"',
        'domain=""',
      ),
      fc
        .tuple(fc.stringMatching(/^[a-z]{1,8}$/), fc.string({ maxLength: 20 }))
        .map(([k, v]) => `${k}="${v.replace(/(["\\])/g, '\\$1')}"`),
    );
    const challenge = fc.oneof(
      fc
        .tuple(fc.constantFrom('Digest ', 'Basic realm="x", Digest ', 'digest '), fc.array(param))
        .map(([scheme, params]) => scheme + params.join(', ')),
      fc.string({ maxLength: 60 }),
    );
    const afterSigned = fc.constantFrom<'ok' | 'again' | 'html'>('ok', 'again', 'html');
    await fc.assert(
      fc.asyncProperty(challenge.filter(headerSafe), afterSigned, async (wwwAuthenticate, then) => {
        reply = (req, res) => {
          const challengeAnswer = {
            status: 401,
            contentType: 'application/json',
            body: '{"error":401,"errorCode":"UNAUTHORIZED"}',
            headers: { 'www-authenticate': wwwAuthenticate },
          };
          if (req.headers.authorization === undefined || then === 'again') {
            send(res, challengeAnswer);
          } else if (then === 'html') {
            send(res, { status: 200, contentType: 'text/html', body: '<p>Login</p>' });
          } else {
            send(res, { status: 200, contentType: 'application/json', body: snapshotJson });
          }
        };
        const s = session({ auth: new DigestAuth('abcdefgh', 'pk-SeCrEt-private-key') });
        const result = await settle(s.flex.getSnapshot(SNAPSHOT));
        expect(seen.length).toBeLessThanOrEqual(3);
        if ('value' in result) expectSnapshot(result.value);
        else {
          expectClearError(
            result.error,
            [`Reading snapshot ${SNAPSHOT} of ${flexLabel}`],
            ['pk-SeCrEt-private-key'],
          );
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('a token Atlas could never have sent (a line break in it) is refused at once, unshown', async () => {
    const leaked = 'eyJhbGciOi.secret\npart-0123456789';
    reply = (req, res) =>
      send(res, {
        status: 200,
        contentType: 'application/json',
        body:
          req.url === '/api/oauth/token'
            ? JSON.stringify({ access_token: leaked, token_type: 'Bearer', expires_in: 3600 })
            : snapshotJson,
      });
    const s = session({ maxAttempts: 4 });
    const auth = new ServiceAccountAuth('id', CLIENT_SECRET, {
      transport: s.transport,
      baseUrl,
      clock: s.clock,
      mask: () => {},
    });
    const client = new AtlasClient({ baseUrl, transport: s.transport, auth });
    const result = await settle(flexBackupApi(client, s, GROUP, CLUSTER).getSnapshot(SNAPSHOT));
    expect('error' in result).toBe(true);
    if ('error' in result) {
      const error = expectClearError(result.error, [tokenOperation], ['secret', 'part-0123456789']);
      expect(error.message).toMatch(/not an OAuth token/);
    }
    expect(seen.map((r) => r.url)).toEqual(['/api/oauth/token']);
  });
});

describe('bodies that are too big, never end, or never come', () => {
  const operation = `Reading snapshot ${SNAPSHOT} of ${flexLabel}`;

  /** Writes `chunk` until `total` bytes are out (forever without a total), minding backpressure. */
  function pour(res: ServerResponse, chunk: Buffer, total = Number.POSITIVE_INFINITY): void {
    let written = 0;
    let closed = false;
    res.on('close', () => {
      closed = true;
    });
    const more = (): void => {
      while (!closed && written < total) {
        written += chunk.length;
        if (!res.write(chunk)) {
          res.once('drain', more);
          return;
        }
      }
      if (!closed) res.end();
    };
    more();
  }

  it.each([
    ['with a Content-Length', true],
    ['chunked', false],
  ])('refuses a 9 MiB answer (%s) at the 8 MiB cap', async (_name, withLength) => {
    const size = 9 * MIB;
    reply = (_req, res) => {
      res.statusCode = 200;
      res.setHeader('content-type', 'application/json');
      if (withLength) res.setHeader('content-length', size);
      pour(res, Buffer.alloc(64 * 1024, ' '), size);
    };
    const result = await settle(session({ maxAttempts: 3 }).flex.getSnapshot(SNAPSHOT));
    expect('error' in result).toBe(true);
    if ('error' in result) {
      expect(expectClearError(result.error, [operation]).message).toMatch(/larger than 8 MiB/);
    }
    expect(seen).toHaveLength(1);
  });

  it('cuts an endless fast stream at the cap', async () => {
    reply = (_req, res) => {
      res.writeHead(502, { 'content-type': 'text/html' });
      pour(res, Buffer.alloc(64 * 1024, '<'));
    };
    const result = await settle(session({ maxAttempts: 3 }).flex.getSnapshot(SNAPSHOT));
    expect('error' in result && (result.error as Error).message).toMatch(/larger than 8 MiB/);
  });

  it('cuts an endless trickle by the request timeout, however often a byte comes', async () => {
    const timers = new Set<NodeJS.Timeout>();
    reply = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"id":');
      // One byte every 20 ms: never idle long enough for an idle timeout, never near the cap.
      const timer = setInterval(() => res.write(' '), 20);
      timers.add(timer);
      res.on('close', () => clearInterval(timer));
    };
    const started = performance.now();
    const result = await settle(
      session({ requestTimeoutMs: 300, maxAttempts: 2 }).flex.getSnapshot(SNAPSHOT),
    );
    for (const timer of timers) clearInterval(timer);
    expect(performance.now() - started).toBeLessThan(3_000);
    expect('error' in result).toBe(true);
    if ('error' in result) {
      expect(expectClearError(result.error, [operation]).message).toMatch(/no answer in time/);
    }
  }, 10_000);

  it.each([
    ['headers never come', (_res: ServerResponse) => {}],
    [
      'the body stops half way',
      (res: ServerResponse) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"id":"');
      },
    ],
  ])(
    'gives up when %s',
    async (_name, stall) => {
      reply = (_req, res) => stall(res);
      const started = performance.now();
      // undici checks its headers timeout on a coarse timer (about a second): one attempt will do.
      const result = await settle(
        session({ requestTimeoutMs: 200, maxAttempts: 1 }).flex.getSnapshot(SNAPSHOT),
      );
      expect(performance.now() - started).toBeLessThan(3_000);
      expect('error' in result).toBe(true);
      if ('error' in result) {
        const error = expectClearError(result.error, [operation]) as AtlasError;
        expect(error.status).toBe(0);
        expect(error.message).toMatch(/no answer in time/);
      }
      expect(seen).toHaveLength(1);
    },
    10_000,
  );

  it('describes an almost-8-MiB proxy page in well under a second', async () => {
    reply = (_req, res) =>
      send(res, { status: 502, contentType: 'text/html', body: '<'.repeat(8 * MIB - 1) });
    const started = performance.now();
    const result = await settle(session({ maxAttempts: 1 }).flex.getSnapshot(SNAPSHOT));
    expect(performance.now() - started).toBeLessThan(1_500);
    expect('error' in result).toBe(true);
    if ('error' in result) expectClearError(result.error, [operation]);
  }, 20_000);

  it('keeps a huge, many-line Atlas error detail to one short line', async () => {
    const detail = `Something went wrong.\n${'    at Object.<anonymous> (/srv/app.js:1:1)\n'.repeat(100_000)}`;
    reply = (_req, res) =>
      send(res, {
        status: 400,
        contentType: 'application/json',
        body: JSON.stringify({ error: 400, errorCode: 'INVALID\nCODE'.repeat(1_000), detail }),
      });
    const result = await settle(session().flex.getSnapshot(SNAPSHOT));
    expect('error' in result).toBe(true);
    if ('error' in result) {
      expect(expectClearError(result.error, [operation]).message).toMatch(/Something went wrong/);
    }
  });

  it('keeps an answer with thousands of schema problems to one short line', async () => {
    const results = Array.from({ length: 20_000 }, (_, i) => ({ id: `bad\n${i}`, status: i }));
    reply = (_req, res) =>
      send(res, {
        status: 200,
        contentType: 'application/json',
        body: JSON.stringify({ results }),
      });
    const result = await settle(session().flex.listSnapshots());
    expect('error' in result).toBe(true);
    if ('error' in result) {
      expect(
        expectClearError(result.error, [`Listing the snapshots of ${flexLabel}`]).message,
      ).toMatch(/does not have the shape/);
    }
  });

  it('does not retry a request that cannot be sent (a header no HTTP stack accepts)', async () => {
    reply = (_req, res) => send(res, { status: 200, contentType: 'application/json', body: '{}' });
    const auth: Authenticator = {
      first: async () => 'Bearer broken\ntoken',
      afterUnauthorized: async () => undefined,
    };
    const s = session({ auth, maxAttempts: 4 });
    const result = await settle(s.flex.getSnapshot(SNAPSHOT));
    expect('error' in result).toBe(true);
    if ('error' in result) expectClearError(result.error, [operation], ['broken\ntoken']);
    expect(s.clock.slept).toEqual([]);
    expect(seen).toEqual([]);
  });
});
