import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
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
      overwrite: false,
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
    ['cluster-type', { 'cluster-type': 'm10' }, /'auto', 'flex', 'dedicated', 'shared'/],
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
    ['client-id', { 'client-id': 'mdb:sa' }, /other than ':'/],
    ['client-id', { 'client-id': 'mdb sa' }, /without spaces/],
    ['overwrite', { overwrite: 'yes' }, /'yes' is not a boolean: expected 'true' or 'false'/],
    ['overwrite', { overwrite: '1' }, /not a boolean/],
    ['overwrite', { delivery: 'file', overwrite: 'true' }, /uploads no artifact/],
    ['overwrite', { delivery: 'url', overwrite: 'true' }, /uploads no artifact/],
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

describe('inputs that pass on their own but cannot work together', () => {
  const root = mkdtempSync(join(tmpdir(), 'inputs-combined-'));
  const workspace = join(root, 'workspace');
  const temp = join(root, 'temp');
  mkdirSync(join(workspace, 'existing-dir'), { recursive: true });
  mkdirSync(join(temp, 'atlas-snapshots'), { recursive: true });
  writeFileSync(join(workspace, 'a-file'), 'x');
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const read = (inputs: Partial<Record<InputName, string>>, platform?: NodeJS.Platform) =>
    readSettings({
      read: (name) => ({ ...base, ...inputs })[name] ?? '',
      mask: () => undefined,
      env: { RUNNER_TEMP: temp, GITHUB_WORKSPACE: workspace },
      ...(platform !== undefined && { platform }),
    });

  // [what, inputs, the input named, the message, platform]
  const refused: [
    string,
    Partial<Record<InputName, string>>,
    InputName,
    RegExp,
    NodeJS.Platform?,
  ][] = [
    [
      'path inside extract-to',
      { path: 'db/x.tar.gz', 'extract-to': 'db' },
      'extract-to',
      /holds path .*db.x\.tar\.gz/,
    ],
    [
      'path deep inside extract-to',
      { path: 'db/a/b/x.tar.gz', 'extract-to': 'db' },
      'extract-to',
      /holds path/,
    ],
    [
      'path and extract-to the same',
      { path: 'db', 'extract-to': 'db' },
      'extract-to',
      /holds path/,
    ],
    [
      'extract-to inside path',
      { path: 'snap.tgz', 'extract-to': 'snap.tgz/data' },
      'extract-to',
      /is inside path/,
    ],
    [
      'absolute path inside a relative extract-to',
      { path: join(workspace, 'db', 'x.tgz'), 'extract-to': 'db' },
      'extract-to',
      /holds path/,
    ],
    [
      'path inside extract-to through ..',
      { path: 'other/../db/x.tgz', 'extract-to': 'db' },
      'extract-to',
      /holds path/,
    ],
    [
      'path inside extract-to, differing in case, on Windows',
      { path: 'DB/x.tgz', 'extract-to': 'db' },
      'extract-to',
      /holds path/,
      'win32',
    ],
    [
      'path inside extract-to, differing in case, on macOS',
      { path: 'DB/x.tgz', 'extract-to': 'db' },
      'extract-to',
      /holds path/,
      'darwin',
    ],
    [
      'the default path inside extract-to (RUNNER_TEMP)',
      { 'extract-to': temp },
      'extract-to',
      /holds the default path's directory/,
    ],
    [
      'the default path inside extract-to (its directory)',
      { 'extract-to': join(temp, 'atlas-snapshots') },
      'extract-to',
      /holds the default path's directory/,
    ],
    [
      "extract-to inside the default path's directory",
      { 'extract-to': join(temp, 'atlas-snapshots', 'db') },
      'extract-to',
      /is inside the default path's directory/,
    ],
    [
      'the default path with a name, inside extract-to',
      { 'artifact-name': 'n.tgz', 'extract-to': temp },
      'extract-to',
      /holds the default path's directory/,
    ],
    [
      'path naming an existing directory',
      { path: 'existing-dir', delivery: 'file' },
      'path',
      /is a directory: path names the snapshot file itself/,
    ],
    ['path naming the workspace', { path: '.', delivery: 'file' }, 'path', /is a directory/],
    [
      'path ending in a separator',
      { path: 'backups/', delivery: 'file' },
      'path',
      /is a directory/,
    ],
    [
      'path under a file',
      { path: 'a-file/x.tgz', delivery: 'file' },
      'path',
      /is a file, not a directory/,
    ],
    [
      'extract-to under a file',
      { 'extract-to': 'a-file/db' },
      'extract-to',
      /is a file, not a directory/,
    ],
    [
      'extract-to naming a file',
      { 'extract-to': 'a-file' },
      'extract-to',
      /not an empty directory/,
    ],
    [
      'artifact-name .',
      { 'artifact-name': '.' },
      'artifact-name',
      /'\.' names a directory, not a file/,
    ],
    ['artifact-name ..', { 'artifact-name': '..' }, 'artifact-name', /'\.\.' names a directory/],
    [
      'artifact-name too long for a file name',
      { 'artifact-name': `${'é'.repeat(128)}.tgz` },
      'artifact-name',
      /260 bytes long.*at most 255 bytes/,
    ],
    [
      'artifact-name a Windows device name',
      { 'artifact-name': 'NUL.tar.gz' },
      'artifact-name',
      /cannot be a file name on Windows/,
      'win32',
    ],
    [
      'artifact-name ending in a dot on Windows',
      { 'artifact-name': 'nightly.' },
      'artifact-name',
      /trailing dot or space/,
      'win32',
    ],
  ];
  it.each(refused)('refuses %s', (_, inputs, input, message, platform) => {
    let error: unknown;
    try {
      read(inputs, platform);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).input).toBe(input);
    expect((error as InputError).message).toMatch(message);
  });

  const accepted: [string, Partial<Record<InputName, string>>, NodeJS.Platform?][] = [
    ['path beside extract-to', { path: 'db.tar.gz', 'extract-to': 'db' }],
    [
      'path in a sibling whose name starts like extract-to',
      { path: 'db2/x.tgz', 'extract-to': 'db' },
    ],
    [
      'path in a directory named ..x inside the workspace',
      { path: '..x/y.tgz', 'extract-to': 'db' },
    ],
    ['differing case on Linux', { path: 'DB/x.tgz', 'extract-to': 'db' }, 'linux'],
    ['the default path and an extract-to in the workspace', { 'extract-to': 'db' }],
    ['an existing file as path', { path: 'a-file', delivery: 'file' }],
    ['a path whose directories do not exist yet', { path: 'new/deep/x.tgz', delivery: 'file' }],
    ['an artifact name with a quote and spaces', { 'artifact-name': "it's a snapshot.tgz" }],
    ['a device-like name off Windows', { 'artifact-name': 'NUL.tar.gz' }, 'linux'],
    ['an artifact name of 255 bytes', { 'artifact-name': `${'a'.repeat(251)}.tgz` }],
    ['overwrite True, as YAML writes it', { overwrite: 'True' }],
  ];
  it.each(accepted)('accepts %s', (_, inputs, platform) => {
    expect(() => read(inputs, platform)).not.toThrow();
  });

  it('reads overwrite strictly', () => {
    expect(read({}).overwrite).toBe(false);
    expect(read({ overwrite: 'true' }).overwrite).toBe(true);
    expect(read({ overwrite: 'FALSE' }).overwrite).toBe(false);
  });

  it('lists exactly the characters @actions/artifact refuses in a name', () => {
    let message = '';
    try {
      read({ 'artifact-name': 'a|b' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain(`contains |, which the artifact service refuses`);
    expect(message).toContain(
      'It refuses exactly these: " : < > | * ? \\r (carriage return) \\n (line feed) \\ /.',
    );
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
