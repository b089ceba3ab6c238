import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { InputName } from '../src/constants.ts';
import {
  artifactNameFor,
  InputError,
  parseBaseUrl,
  parseDuration,
  readSettings,
  type Settings,
  snapshotPathFor,
} from '../src/inputs.ts';

const GROUP = '5f1e0c0a9d1b2c3d4e5f6a7b';
const SNAPSHOT = '6a0b1c2d3e4f5a6b7c8d9e0f';
const base = {
  'group-id': GROUP,
  'cluster-name': 'nightly-flex',
  'client-id': 'mdb_sa_id_123',
  'client-secret': 'mdb_sa_sk_secret-value',
};

function settingsFrom(inputs: Partial<Record<InputName, string>>, env: NodeJS.ProcessEnv = {}) {
  const masked: string[] = [];
  const settings = readSettings({
    read: (name) => inputs[name] ?? '',
    mask: (secret) => masked.push(secret),
    env: { RUNNER_TEMP: '/runner/temp', GITHUB_WORKSPACE: '/work/space', ...env },
  });
  return { settings, masked };
}

function failure(inputs: Partial<Record<InputName, string>>): InputError {
  try {
    settingsFrom(inputs);
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected an InputError');
}

describe('readSettings', () => {
  it('takes the defaults of action.yml when only the required inputs are given', () => {
    const { settings } = settingsFrom(base);
    expect(settings).toEqual<Settings>({
      groupId: GROUP,
      clusterName: 'nightly-flex',
      snapshotId: undefined,
      credentials: {
        kind: 'service-account',
        clientId: 'mdb_sa_id_123',
        clientSecret: 'mdb_sa_sk_secret-value',
      },
      clusterType: 'auto',
      delivery: 'artifact',
      path: undefined,
      artifactName: undefined,
      retentionDays: 0,
      extractTo: undefined,
      waitTimeoutMs: 30 * 60_000,
      atlasBaseUrl: 'https://cloud.mongodb.com',
      tempDir: '/runner/temp',
    });
  });

  it('masks both secrets as soon as they are read, even when a later input is bad', () => {
    const masked: string[] = [];
    expect(() =>
      readSettings({
        read: (name) =>
          ({ ...base, 'private-key': 'pk-secret', 'group-id': 'nope' })[
            name as keyof typeof base
          ] ?? '',
        mask: (secret) => masked.push(secret),
        env: {},
      }),
    ).toThrow(InputError);
    expect(masked).toEqual(['mdb_sa_sk_secret-value', 'pk-secret']);
  });

  it('accepts an API key pair instead of a service account', () => {
    const { settings } = settingsFrom({
      'group-id': GROUP,
      'cluster-name': 'c1',
      'public-key': 'abcdefgh',
      'private-key': '0000-1111',
    });
    expect(settings.credentials).toEqual({
      kind: 'api-key',
      publicKey: 'abcdefgh',
      privateKey: '0000-1111',
    });
  });

  it('resolves relative paths from the workspace and names files after cluster and snapshot', () => {
    const { settings } = settingsFrom({ ...base, path: 'backups/snap.tgz', delivery: 'file' });
    expect(settings.path).toBe('/work/space/backups/snap.tgz');
    const { settings: defaults } = settingsFrom(base);
    expect(artifactNameFor(defaults, SNAPSHOT)).toBe(`nightly-flex-${SNAPSHOT}.tar.gz`);
    expect(snapshotPathFor(defaults, SNAPSHOT)).toBe(
      `/runner/temp/atlas-snapshots/nightly-flex-${SNAPSHOT}.tar.gz`,
    );
    const { settings: named } = settingsFrom({ ...base, 'artifact-name': 'nightly.tar.gz' });
    expect(snapshotPathFor(named, SNAPSHOT)).toBe('/runner/temp/atlas-snapshots/nightly.tar.gz');
  });

  it.each([
    ['group-id', { 'group-id': '' }, /'group-id': is required/],
    ['group-id', { 'group-id': '5F1E0C0A9D1B2C3D4E5F6A7B' }, /24 lowercase hexadecimal/],
    ['group-id', { 'group-id': 'abc' }, /'abc' is not an Atlas project ID/],
    ['cluster-name', { 'cluster-name': '-leading-hyphen' }, /letters, digits or hyphens/],
    ['cluster-name', { 'cluster-name': 'a'.repeat(65) }, /1 to 64/],
    ['cluster-name', { 'cluster-name': 'under_score' }, /not a cluster name/],
    ['snapshot-id', { 'snapshot-id': 'latest' }, /'latest' is not a snapshot ID/],
    ['cluster-type', { 'cluster-type': 'dedicated' }, /'auto', 'flex', 'shared'/],
    ['delivery', { delivery: 's3' }, /'artifact', 'file', 'url'/],
    ['retention-days', { 'retention-days': '91' }, /0 to 90/],
    ['retention-days', { 'retention-days': '-1' }, /0 to 90/],
    ['retention-days', { 'retention-days': '7 days' }, /'7 days'/],
    ['wait-timeout', { 'wait-timeout': '0' }, /1 second to 6 hours/],
    ['wait-timeout', { 'wait-timeout': '7h' }, /1 second to 6 hours/],
    ['wait-timeout', { 'wait-timeout': '10 minutes' }, /'10 minutes'/],
    ['wait-timeout', { 'wait-timeout': '1.5h' }, /'1.5h'/],
    ['atlas-base-url', { 'atlas-base-url': 'http://cloud.mongodb.com' }, /not loopback/],
    ['atlas-base-url', { 'atlas-base-url': 'https://cloud.mongodb.com/api' }, /path/],
    ['atlas-base-url', { 'atlas-base-url': 'ftp://127.0.0.1' }, /ftp:/],
    ['atlas-base-url', { 'atlas-base-url': 'cloud.mongodb.com' }, /not a URL/],
    ['atlas-base-url', { 'atlas-base-url': 'https://u:p@cloud.mongodb.com' }, /credentials/],
    ['artifact-name', { 'artifact-name': 'nightly/backup.tgz' }, /refuses/],
    ['artifact-name', { 'artifact-name': 'a:b' }, /refuses/],
    ['path', { delivery: 'url', path: 'x.tgz' }, /delivery 'url' downloads nothing/],
    ['extract-to', { delivery: 'url', 'extract-to': 'db' }, /delivery 'url'/],
    ['retention-days', { delivery: 'file', 'retention-days': '5' }, /uploads no artifact/],
  ] as const)('refuses a bad %s: %j', (input, override, message) => {
    const error = failure({ ...base, ...override });
    expect(error.input).toBe(input);
    expect(error.message).toMatch(message);
    expect(error.message).toContain(`Input '${input}'`);
  });

  it.each([
    [{ 'client-secret': '' }, 'client-secret', /required when client-id is given/],
    [{ 'client-id': '' }, 'client-id', /required when client-secret is given/],
    [{ 'public-key': 'pub' }, 'client-id', /exactly one pair/],
    [{ 'client-id': '', 'client-secret': '' }, 'client-id', /no credentials/],
    [
      { 'client-id': '', 'client-secret': '', 'private-key': 'pk' },
      'public-key',
      /required when private-key/,
    ],
  ] as const)('insists on exactly one complete credential pair: %j', (override, input, message) => {
    const error = failure({ ...base, ...override });
    expect(error.input).toBe(input);
    expect(error.message).toMatch(message);
  });

  it('never puts a secret into an error message', () => {
    const error = failure({ ...base, 'private-key': 'pk-very-secret' });
    expect(error.message).not.toContain('pk-very-secret');
    expect(error.message).not.toContain('mdb_sa_sk_secret-value');
  });

  it('refuses an extract-to directory that already holds files, and accepts an empty one', () => {
    const root = mkdtempSync(join(tmpdir(), 'inputs-'));
    const full = join(root, 'full');
    mkdirSync(full);
    writeFileSync(join(full, 'WiredTiger'), 'x');
    expect(failure({ ...base, 'extract-to': full }).message).toMatch(/not an empty directory/);
    const empty = join(root, 'empty');
    mkdirSync(empty);
    expect(settingsFrom({ ...base, 'extract-to': empty }).settings.extractTo).toBe(empty);
    expect(settingsFrom({ ...base, 'extract-to': join(root, 'new') }).settings.extractTo).toBe(
      join(root, 'new'),
    );
    rmSync(root, { recursive: true, force: true });
  });
});

describe('parseDuration', () => {
  it.each([
    ['90s', 90_000],
    ['15m', 900_000],
    ['1h', 3_600_000],
    ['600', 600_000],
    ['6h', 21_600_000],
    ['1', 1_000],
  ])('%s is %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });
});

describe('parseBaseUrl', () => {
  it.each([
    ['https://cloud.mongodb.com/', 'https://cloud.mongodb.com'],
    ['http://127.0.0.1:8793', 'http://127.0.0.1:8793'],
    ['http://127.10.0.1', 'http://127.10.0.1'],
    ['http://localhost:1234', 'http://localhost:1234'],
    ['http://[::1]:1234', 'http://[::1]:1234'],
  ])('%s is allowed', (text, origin) => {
    expect(parseBaseUrl(text)).toBe(origin);
  });

  it.each(['http://128.0.0.1', 'http://localhost.example.com', 'http://10.0.0.1'])(
    '%s is refused',
    (text) => {
      expect(() => parseBaseUrl(text)).toThrow(InputError);
    },
  );
});
