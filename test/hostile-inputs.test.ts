import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDigestChallenge } from '../src/atlas/digest.ts';
import { CLUSTER_TYPES, DELIVERIES, type InputName, Inputs } from '../src/constants.ts';
import {
  InputError,
  parseBaseUrl,
  parseDuration,
  readSettings,
  type Settings,
} from '../src/inputs.ts';

// Property-based tests of everything a user (or a copied workflow) can type into an input:
// whatever the value, the action either gets settings that keep every documented promise,
// or an InputError that names a real input, shows no secret and fits on one line.

const HEX24 = /^[a-f0-9]{24}$/;
const INPUT_NAMES = new Set<string>(Object.values(Inputs));
const MAX_WAIT_MS = 6 * 3_600_000;
/** A message a user reads in the step's annotation: one line, and short enough to read. */
const MAX_MESSAGE = 600;

let workspace: string;
beforeAll(() => {
  // Relative paths resolve here, so a generated `extract-to` never meets a real directory.
  workspace = mkdtempSync(join(tmpdir(), 'hostile-inputs-'));
});
afterAll(() => {
  rmSync(workspace, { recursive: true, force: true });
});

const hex24 = fc.stringMatching(/^[a-f0-9]{24}$/);
const anyText = fc.string({ unit: 'binary', maxLength: 80 });
const whitespace = fc.constantFrom(' ', '\t', '\n', '\r\n', '\u00a0', '\u2028', '\ufeff', '');
const veryLong = fc
  .tuple(
    fc.string({ unit: 'binary', minLength: 1, maxLength: 4 }),
    fc.integer({ min: 1_000, max: 20_000 }),
  )
  .map(([unit, times]) => unit.repeat(times));

/** Valid values most of the time, then the same padded, mangled, replaced or blown up. */
function hostile(valid: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 6, arbitrary: valid },
    { weight: 2, arbitrary: fc.tuple(whitespace, valid, whitespace).map(([a, v, b]) => a + v + b) },
    { weight: 2, arbitrary: anyText },
    { weight: 1, arbitrary: veryLong },
    { weight: 1, arbitrary: fc.tuple(valid, anyText).map(([v, t]) => v + t) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(valid, fc.nat(), fc.string({ unit: 'binary', maxLength: 3 }))
        .map(([v, at, s]) => v.slice(0, at % (v.length + 1)) + s + v.slice(at % (v.length + 1))),
    },
    { weight: 1, arbitrary: fc.constant('') },
  );
}

/** A secret that cannot turn up in a message by coincidence: long, random and marked. */
const secret = fc
  .stringMatching(/^[A-Za-z0-9_\-+/=]{12,40}$/)
  .chain((core) => fc.tuple(whitespace, whitespace).map(([a, b]) => `${a}SeCrEt-${core}${b}`));

const hostname = fc.oneof(
  fc.constantFrom(
    'cloud.mongodb.com',
    'localhost',
    '127.0.0.1',
    '127.255.0.9',
    '[::1]',
    '10.0.0.1',
  ),
  fc.domain(),
);
const baseUrl = fc.oneof(
  fc
    .tuple(
      fc.constantFrom('https', 'http', 'HTTPS', 'ftp', 'file', 'javascript', 'ws'),
      hostname,
      fc.option(fc.integer({ min: 0, max: 70_000 }), { nil: undefined }),
      fc.constantFrom('', '/', '/api', '/?x=1', '#frag', '//', '/%2e%2e'),
    )
    .map(
      ([scheme, host, port, tail]) =>
        `${scheme}://${host}${port === undefined ? '' : `:${port}`}${tail}`,
    ),
  fc.webUrl({ withQueryParameters: true, withFragments: true }),
);

const validPath = fc.constantFrom(
  'backups/snap.tar.gz',
  'nested/dir/with spaces/ü.tgz',
  '/tmp/hostile-inputs-absent/x.tgz',
  '../outside.tgz',
);
const duration = fc.oneof(
  fc.integer({ min: 1, max: 21_600 }).map(String),
  fc.integer({ min: 1, max: 360 }).map((m) => `${m}m`),
  fc.integer({ min: 1, max: 6 }).map((h) => `${h} h`),
  fc.integer({ min: 0, max: 1e9 }).map((s) => `${s}s`),
);

/** Every input, each one hostile; a missing key is an unset input. */
const inputs = fc.record(
  {
    'group-id': hostile(
      fc.oneof(
        hex24,
        hex24.map((h) => h.toUpperCase()),
      ),
    ),
    'cluster-name': hostile(
      fc.oneof(fc.stringMatching(/^[a-zA-Z0-9][a-zA-Z0-9-]{0,70}$/), fc.constant('flex-1')),
    ),
    'snapshot-id': hostile(hex24),
    'client-id': hostile(fc.stringMatching(/^mdb_sa_id_[a-f0-9]{24}$/)),
    'client-secret': secret,
    'public-key': hostile(fc.stringMatching(/^[a-z]{8}$/)),
    'private-key': secret,
    'cluster-type': hostile(fc.constantFrom(...CLUSTER_TYPES, 'Flex', 'dedicated')),
    delivery: hostile(fc.constantFrom(...DELIVERIES, 'URL', 's3')),
    path: hostile(validPath),
    'artifact-name': hostile(
      fc.constantFrom('nightly.tar.gz', 'a:b', 'x/y', 'ok name ✓', "it's.tgz", '.', '..'),
    ),
    'retention-days': hostile(fc.integer({ min: -5, max: 120 }).map(String)),
    overwrite: hostile(fc.constantFrom('true', 'false', 'True', 'yes', '1')),
    'extract-to': hostile(validPath),
    'wait-timeout': hostile(duration),
    'atlas-base-url': hostile(baseUrl),
  } satisfies Record<InputName, fc.Arbitrary<string>>,
  { requiredKeys: ['group-id', 'cluster-name'] },
);

type Values = Partial<Record<InputName, string>>;

function read(values: Values) {
  const masked: string[] = [];
  const env = { RUNNER_TEMP: '/runner/temp', GITHUB_WORKSPACE: workspace };
  const run = () =>
    readSettings({
      read: (name) => values[name] ?? '',
      mask: (s) => masked.push(s),
      env,
    });
  return { run, masked, env };
}

function outcome<T>(run: () => T): { value: T } | { error: unknown } {
  try {
    return { value: run() };
  } catch (error) {
    return { error };
  }
}

function isLoopback(hostname: string): boolean {
  return (
    hostname === 'localhost' ||
    hostname === '[::1]' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname)
  );
}

/** What Settings promise, whatever the inputs were. */
function expectValidSettings(settings: Settings, env: { RUNNER_TEMP: string }): void {
  expect(settings.groupId).toMatch(HEX24);
  expect(settings.clusterName).toMatch(/^[a-zA-Z0-9][a-zA-Z0-9-]{0,63}$/);
  if (settings.snapshotId !== undefined) expect(settings.snapshotId).toMatch(HEX24);
  const pair =
    settings.credentials.kind === 'service-account'
      ? [settings.credentials.clientId, settings.credentials.clientSecret]
      : [settings.credentials.publicKey, settings.credentials.privateKey];
  for (const part of pair) {
    expect(part).not.toBe('');
    expect(part).toBe(part.trim());
  }
  // The public key travels in a header as the Digest username.
  if (settings.credentials.kind === 'api-key') {
    expect(settings.credentials.publicKey).toMatch(/^[\x21-\x7e]+$/);
  }
  expect(CLUSTER_TYPES).toContain(settings.clusterType);
  expect(DELIVERIES).toContain(settings.delivery);
  if (settings.path !== undefined) expect(isAbsolute(settings.path)).toBe(true);
  if (settings.extractTo !== undefined) expect(isAbsolute(settings.extractTo)).toBe(true);
  if (settings.artifactName !== undefined) {
    expect(settings.artifactName).not.toMatch(/[":<>|*?\\/\r\n]/);
    expect(['', '.', '..']).not.toContain(settings.artifactName);
  }
  if (settings.delivery === 'url') {
    expect([settings.path, settings.extractTo, settings.artifactName]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  }
  expect(Number.isInteger(settings.retentionDays)).toBe(true);
  expect(settings.retentionDays).toBeGreaterThanOrEqual(0);
  expect(settings.retentionDays).toBeLessThanOrEqual(90);
  if (settings.delivery !== 'artifact') expect(settings.retentionDays).toBe(0);
  if (settings.delivery !== 'artifact') expect(settings.overwrite).toBe(false);
  expect(Number.isInteger(settings.waitTimeoutMs)).toBe(true);
  expect(settings.waitTimeoutMs).toBeGreaterThanOrEqual(1_000);
  expect(settings.waitTimeoutMs).toBeLessThanOrEqual(MAX_WAIT_MS);
  expectValidOrigin(settings.atlasBaseUrl);
  expect(settings.tempDir).toBe(env.RUNNER_TEMP);
}

function expectValidOrigin(origin: string): void {
  const url = new URL(origin);
  expect(url.origin).toBe(origin);
  expect(url.username + url.password).toBe('');
  expect(url.protocol === 'https:' || (url.protocol === 'http:' && isLoopback(url.hostname))).toBe(
    true,
  );
}

/** What every refusal promises: the right type, a real input named first, one short line. */
function expectClearInputError(error: unknown, secrets: readonly string[] = []): InputError {
  if (!(error instanceof InputError)) {
    throw new Error(`expected an InputError, got ${String(error)}`, { cause: error });
  }
  expect(INPUT_NAMES.has(error.input)).toBe(true);
  expect(error.message.startsWith(`Input '${error.input}': `)).toBe(true);
  expect(error.message).not.toMatch(/[\r\n\u2028\u2029]/);
  expect(error.message.length).toBeLessThanOrEqual(MAX_MESSAGE);
  for (const s of secrets) {
    const core = s.trim();
    if (core.length >= 8) expect(error.message).not.toContain(core);
  }
  return error;
}

describe('readSettings on hostile inputs', () => {
  it('returns settings that keep every promise, or an InputError naming a real input', () => {
    fc.assert(
      fc.property(inputs, (values) => {
        const { run, env, masked } = read(values);
        const result = outcome(run);
        const secrets = [values['client-secret'], values['private-key']].filter(
          (s): s is string => s !== undefined,
        );
        // Masked before anything could print them, whatever happens next.
        for (const s of secrets) if (s.trim() !== '') expect(masked).toContain(s.trim());
        if ('value' in result) expectValidSettings(result.value, env);
        else expectClearInputError(result.error, secrets);
      }),
      { numRuns: 400 },
    );
  });

  it('never shows a secret, even one pasted into atlas-base-url', () => {
    const carriers = fc.constantFrom<(secret: string) => string>(
      (s) => `https://user:${s}@cloud.mongodb.com`,
      (s) => `ftp://user:${s}@cloud.mongodb.com`,
      (s) => `https://user:${s}@cloud mongodb.com`,
      (s) => `https://user:${s}/@cloud.mongodb.com`,
      (s) => `http://${s}@example.com/path`,
      (s) => `${s}@cloud.mongodb.com`,
      (s) => `https://cloud.mongodb.com/?token=${s}@`,
    );
    fc.assert(
      fc.property(secret, carriers, (key, carry) => {
        const result = outcome(
          read({
            'group-id': '5f1e0c0a9d1b2c3d4e5f6a7b',
            'cluster-name': 'flex-1',
            'client-id': 'mdb_sa_id_1',
            'client-secret': key,
            'atlas-base-url': carry(key.trim()),
          }).run,
        );
        expect('error' in result).toBe(true);
        if ('error' in result) {
          expect(expectClearInputError(result.error, [key]).input).toBe(Inputs.AtlasBaseUrl);
        }
      }),
      { numRuns: 100 },
    );
  });
});

describe('parseDuration', () => {
  const units = { '': 1_000, s: 1_000, m: 60_000, h: 3_600_000 } as const;

  it('reads every valid form back to the milliseconds it was written from', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('', 's', 'm', 'h'),
        fc.nat({ max: 3 }),
        fc.constantFrom('', ' ', '  ', '\t'),
        fc.integer({ min: 1, max: MAX_WAIT_MS / 1_000 }),
        (unit, zeros, gap, seconds) => {
          const perUnit = units[unit as keyof typeof units];
          const amount = Math.max(1, Math.floor((seconds * 1_000) / perUnit));
          const text = `${'0'.repeat(zeros)}${amount}${unit === '' ? '' : gap + unit}`;
          expect(parseDuration(text)).toBe(amount * perUnit);
        },
      ),
    );
  });

  it('writes back what it read: seconds, minutes and hours agree', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: MAX_WAIT_MS / 1_000 }), (seconds) => {
        const ms = parseDuration(String(seconds));
        expect(parseDuration(`${ms / 1_000}s`)).toBe(ms);
        if (seconds % 60 === 0) expect(parseDuration(`${seconds / 60}m`)).toBe(ms);
        if (seconds % 3_600 === 0) expect(parseDuration(`${seconds / 3_600}h`)).toBe(ms);
      }),
    );
  });

  it('refuses anything out of range, and any other text, with a wait-timeout InputError', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          anyText,
          veryLong,
          fc.integer({ min: MAX_WAIT_MS / 1_000 + 1 }).map((s) => `${s}s`),
          fc.constantFrom(
            '0',
            '0s',
            '0m',
            '7h',
            '361m',
            '1.5h',
            '-1',
            '1e3',
            '１０m',
            '10 minutes',
          ),
        ),
        (text) => {
          const result = outcome(() => parseDuration(text));
          if ('value' in result) {
            expect(Number.isInteger(result.value / 1_000)).toBe(true);
            expect(result.value).toBeGreaterThanOrEqual(1_000);
            expect(result.value).toBeLessThanOrEqual(MAX_WAIT_MS);
          } else {
            expect(expectClearInputError(result.error).input).toBe(Inputs.WaitTimeout);
          }
        },
      ),
    );
  });
});

describe('parseBaseUrl', () => {
  it('returns an https or loopback-http origin, or an atlas-base-url InputError', () => {
    fc.assert(
      fc.property(fc.oneof(baseUrl, anyText, veryLong), (text) => {
        const result = outcome(() => parseBaseUrl(text));
        if ('value' in result) expectValidOrigin(result.value);
        else expect(expectClearInputError(result.error).input).toBe(Inputs.AtlasBaseUrl);
      }),
      { numRuns: 300 },
    );
  });

  it('accepts every loopback http origin and every https origin without a path', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc
            .tuple(fc.nat({ max: 255 }), fc.nat({ max: 255 }), fc.nat({ max: 255 }))
            .map(([a, b, c]) => `http://127.${a}.${b}.${c}`),
          fc.constantFrom('http://localhost', 'http://[::1]'),
          fc.domain().map((d) => `https://${d}`),
        ),
        fc.option(fc.integer({ min: 1, max: 65_535 }), { nil: undefined }),
        fc.constantFrom('', '/'),
        (origin, port, slash) => {
          const text = `${origin}${port === undefined ? '' : `:${port}`}${slash}`;
          expect(parseBaseUrl(text)).toBe(new URL(text).origin);
        },
      ),
    );
  });
});

describe('parseDigestChallenge', () => {
  const token = fc.stringMatching(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,20}$/);
  const value = fc.oneof(
    token,
    fc.string({ maxLength: 30 }).map((s) => `"${s.replace(/(["\\])/g, '\\$1')}"`),
    fc.string({ unit: 'binary', maxLength: 30 }),
  );
  const param = fc.oneof(
    fc.tuple(
      fc.constantFrom('realm', 'nonce', 'qop', 'algorithm', 'stale', 'opaque', 'domain', 'REALM'),
      fc.oneof(
        value,
        fc.constantFrom('MD5', 'md5', 'SHA-256', 'sha-256', 'MD5-sess', 'SHA-512-256', '"auth"'),
        fc.constantFrom('"auth,auth-int"', 'auth', '"auth-int"', 'true', 'TRUE', 'false'),
      ),
    ),
    fc.tuple(token, value),
  );
  const challengeLike = fc
    .tuple(
      fc.constantFrom('Digest ', 'digest  ', 'Basic realm="x", Digest ', 'Bearer, Digest ', ''),
      fc.array(param, { maxLength: 8 }),
      fc.constantFrom(', ', ',', ' , ', ' '),
    )
    .map(([scheme, params, sep]) => scheme + params.map(([k, v]) => `${k}=${v}`).join(sep));

  it('never throws, and answers only MD5 or SHA-256 challenges with a realm and a nonce', () => {
    fc.assert(
      fc.property(fc.oneof(challengeLike, anyText, veryLong), (header) => {
        const challenge = parseDigestChallenge(header);
        if (challenge === undefined) return;
        expect(['MD5', 'SHA-256']).toContain(challenge.algorithm);
        expect(typeof challenge.realm).toBe('string');
        expect(typeof challenge.nonce).toBe('string');
        expect(typeof challenge.stale).toBe('boolean');
      }),
      { numRuns: 1_000 },
    );
  });

  it('reads back the realm and nonce it was given, quoted or not', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 40 }),
        token,
        fc.constantFrom('MD5', 'SHA-256', 'sha-256'),
        (realm, nonce, algorithm) => {
          const quoted = `"${realm.replace(/(["\\])/g, '\\$1')}"`;
          const challenge = parseDigestChallenge(
            `Digest realm=${quoted}, nonce=${nonce}, algorithm=${algorithm}, qop="auth"`,
          );
          expect(challenge).toMatchObject({ realm, nonce, algorithm: algorithm.toUpperCase() });
        },
      ),
    );
  });

  it('reads a megabyte of near-miss header in linear time', () => {
    const started = performance.now();
    for (const header of [
      `Digest ${'a'.repeat(1 << 20)}`,
      `Digest realm="${'\\"'.repeat(1 << 19)}`,
      `Digest ${'a=b,'.repeat(1 << 18)}`,
      `${' Digest'.repeat(1 << 17)}`,
    ]) {
      expect(parseDigestChallenge(header)).toBeUndefined();
    }
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});
