import { readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import {
  CLUSTER_TYPES,
  type ClusterTypeInput,
  DELIVERIES,
  type Delivery,
  type InputName,
  Inputs,
} from './constants.ts';
import { getInput, setSecret } from './workflow-commands.ts';

export type Credentials =
  | { readonly kind: 'service-account'; readonly clientId: string; readonly clientSecret: string }
  | { readonly kind: 'api-key'; readonly publicKey: string; readonly privateKey: string };

/** Everything the action was asked to do, validated. Built once, before any request. */
export interface Settings {
  /** Atlas project ID, 24 lowercase hex characters. */
  readonly groupId: string;
  /** Cluster name as Atlas spells it. */
  readonly clusterName: string;
  /** The snapshot to download; undefined means the newest COMPLETED one. */
  readonly snapshotId: string | undefined;
  /** Exactly one complete credential pair. */
  readonly credentials: Credentials;
  /** Which API to ask: `auto` tries Flex first. */
  readonly clusterType: ClusterTypeInput;
  /** What happens with the snapshot once Atlas has a URL for it. */
  readonly delivery: Delivery;
  /** Absolute file path the user asked for; undefined means the default under RUNNER_TEMP. */
  readonly path: string | undefined;
  /** Artifact (and file) name the user asked for; undefined means `<cluster>-<snapshot>.tar.gz`. */
  readonly artifactName: string | undefined;
  /** Artifact retention in days; 0 means the repository's default. */
  readonly retentionDays: number;
  /** Replace an artifact of the same name in this run instead of failing before the download. */
  readonly overwrite: boolean;
  /** Absolute directory to unpack into; undefined means no unpacking. */
  readonly extractTo: string | undefined;
  /** Longest wait for Atlas to produce the download URL. */
  readonly waitTimeoutMs: number;
  /** Admin API origin, without a trailing slash. */
  readonly atlasBaseUrl: string;
  /** Where default paths go: RUNNER_TEMP, or the system temp directory outside a runner. */
  readonly tempDir: string;
}

/** A bad input value. The message names the input, the value (never a secret) and the expected form. */
export class InputError extends Error {
  override readonly name = 'InputError';
  readonly input: InputName;
  constructor(input: InputName, message: string) {
    super(`Input '${input}': ${message}`);
    this.input = input;
  }
}

const HEX24 = /^[a-f0-9]{24}$/;
const CLUSTER_NAME = /^[a-zA-Z0-9][a-zA-Z0-9-]*$/;
// Exactly what @actions/artifact 6.2 refuses in a name (invalidArtifactNameCharacters in
// lib/internal/upload/path-and-artifact-name-validation.js), and how the message names them.
const ARTIFACT_NAME_FORBIDDEN: ReadonlyMap<string, string> = new Map([
  ['"', '"'],
  [':', ':'],
  ['<', '<'],
  ['>', '>'],
  ['|', '|'],
  ['*', '*'],
  ['?', '?'],
  ['\r', '\\r (carriage return)'],
  ['\n', '\\n (line feed)'],
  ['\\', '\\'],
  ['/', '/'],
]);
/** The longest file name on ext4, APFS and NTFS (255 UTF-16 units there): the name is a file's name. */
const MAX_FILE_NAME_BYTES = 255;
/** Names Windows gives to devices, with or without an extension: no file can carry them. */
const WINDOWS_DEVICE_NAME = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i;
const BOOLEANS: ReadonlyMap<string, boolean> = new Map([
  ['true', true],
  ['True', true],
  ['TRUE', true],
  ['false', false],
  ['False', false],
  ['FALSE', false],
]);
const DURATION = /^(\d+)\s*(s|m|h)?$/;
const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000 } as const;
const MAX_WAIT_MS = 6 * UNIT_MS.h;

export interface InputSources {
  /** Reads one input, trimmed; '' when unset. */
  read(name: InputName): string;
  /** Registers a secret with the runner so it never appears in a log. */
  mask(secret: string): void;
  env: NodeJS.ProcessEnv;
  /** The runner's OS, for its file-name rules; default this process's. */
  platform?: NodeJS.Platform;
}

const runnerSources: InputSources = {
  read: getInput,
  mask: setSecret,
  env: process.env,
};

/** Reads and validates every input. Throws InputError on the first bad one. */
export function readSettings(sources: InputSources = runnerSources): Settings {
  const read = (name: InputName): string => sources.read(name).trim();
  // Secrets are masked before anything else can fail and print a message.
  for (const secret of [Inputs.ClientSecret, Inputs.PrivateKey] as const) {
    const value = read(secret);
    if (value !== '') sources.mask(value);
  }

  const groupId = required(read, Inputs.GroupId);
  if (!HEX24.test(groupId)) {
    throw new InputError(
      Inputs.GroupId,
      `${shown(groupId)} is not an Atlas project ID: expected 24 lowercase hexadecimal characters, as in the project's URL or Project Settings.`,
    );
  }
  const clusterName = required(read, Inputs.ClusterName);
  if (clusterName.length > 64 || !CLUSTER_NAME.test(clusterName)) {
    throw new InputError(
      Inputs.ClusterName,
      `${shown(clusterName)} is not a cluster name: expected 1 to 64 letters, digits or hyphens, starting with a letter or digit.`,
    );
  }
  const snapshotId = optional(read, Inputs.SnapshotId);
  if (snapshotId !== undefined && !HEX24.test(snapshotId)) {
    throw new InputError(
      Inputs.SnapshotId,
      `${shown(snapshotId)} is not a snapshot ID: expected 24 lowercase hexadecimal characters, or leave it empty for the newest completed snapshot.`,
    );
  }

  const credentials = readCredentials(read);
  const clusterType = oneOf(read, Inputs.ClusterType, CLUSTER_TYPES, 'auto');
  const delivery = oneOf(read, Inputs.Delivery, DELIVERIES, 'artifact');
  const workspace = sources.env.GITHUB_WORKSPACE || process.cwd();

  const path = optional(read, Inputs.Path);
  const artifactName = optional(read, Inputs.ArtifactName);
  const extractTo = optional(read, Inputs.ExtractTo);
  const retentionDays = readRetentionDays(read);
  const overwrite = readBoolean(read, Inputs.Overwrite, false);
  if (delivery === 'url') {
    for (const [name, value] of [
      [Inputs.Path, path],
      [Inputs.ExtractTo, extractTo],
      [Inputs.ArtifactName, artifactName],
    ] as const) {
      if (value !== undefined) {
        throw new InputError(
          name,
          `is set, but delivery 'url' downloads nothing: remove ${name}, or use delivery 'file' or 'artifact'.`,
        );
      }
    }
  }
  if (delivery !== 'artifact' && retentionDays !== 0) {
    throw new InputError(
      Inputs.RetentionDays,
      `is ${retentionDays}, but delivery '${delivery}' uploads no artifact: remove retention-days, or use delivery 'artifact'.`,
    );
  }
  if (delivery !== 'artifact' && overwrite) {
    throw new InputError(
      Inputs.Overwrite,
      `is true, but delivery '${delivery}' uploads no artifact: remove overwrite, or use delivery 'artifact'.`,
    );
  }
  const platform = sources.platform ?? process.platform;
  if (artifactName !== undefined) validateArtifactName(artifactName, platform);
  const tempDir = sources.env.RUNNER_TEMP || tmpdir();
  const filePath = path === undefined ? undefined : resolve(workspace, path);
  if (filePath !== undefined) requireFilePath(path ?? '', filePath);
  const extractDir = extractTo === undefined ? undefined : resolve(workspace, extractTo);
  if (extractDir !== undefined) {
    refuseOverlap(extractDir, filePath, join(tempDir, DEFAULT_DIRECTORY), platform);
    requireEmptyOrMissingDirectory(extractDir);
  }

  return {
    groupId,
    clusterName,
    snapshotId,
    credentials,
    clusterType,
    delivery,
    path: filePath,
    artifactName,
    retentionDays,
    overwrite,
    extractTo: extractDir,
    waitTimeoutMs: parseDuration(read(Inputs.WaitTimeout) || '30m'),
    atlasBaseUrl: parseBaseUrl(read(Inputs.AtlasBaseUrl) || 'https://cloud.mongodb.com'),
    tempDir,
  };
}

/** Where default paths go, under RUNNER_TEMP. */
const DEFAULT_DIRECTORY = 'atlas-snapshots';

/** The artifact (and default file) name for a snapshot. */
export function artifactNameFor(settings: Settings, snapshotId: string): string {
  return settings.artifactName ?? `${settings.clusterName}-${snapshotId}.tar.gz`;
}

/** Where the snapshot file goes: the user's path, or under RUNNER_TEMP. */
export function snapshotPathFor(settings: Settings, snapshotId: string): string {
  return (
    settings.path ??
    join(settings.tempDir, DEFAULT_DIRECTORY, artifactNameFor(settings, snapshotId))
  );
}

function required(read: (name: InputName) => string, name: InputName): string {
  const value = read(name);
  if (value === '') throw new InputError(name, 'is required but was empty.');
  return value;
}

function optional(read: (name: InputName) => string, name: InputName): string | undefined {
  const value = read(name);
  return value === '' ? undefined : value;
}

function oneOf<const T extends string>(
  read: (name: InputName) => string,
  name: InputName,
  allowed: readonly T[],
  fallback: T,
): T {
  const value = read(name) || fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new InputError(
    name,
    `${shown(value)} is not one of ${allowed.map((a) => `'${a}'`).join(', ')}.`,
  );
}

function readCredentials(read: (name: InputName) => string): Credentials {
  const clientId = optional(read, Inputs.ClientId);
  const clientSecret = optional(read, Inputs.ClientSecret);
  const publicKey = optional(read, Inputs.PublicKey);
  const privateKey = optional(read, Inputs.PrivateKey);
  const serviceAccount = clientId !== undefined || clientSecret !== undefined;
  const apiKey = publicKey !== undefined || privateKey !== undefined;
  if (serviceAccount && apiKey) {
    throw new InputError(
      Inputs.ClientId,
      'both a service account (client-id, client-secret) and an API key (public-key, private-key) were given: give exactly one pair.',
    );
  }
  if (serviceAccount) {
    if (clientId === undefined) throw missingHalf(Inputs.ClientId, Inputs.ClientSecret);
    if (clientSecret === undefined) throw missingHalf(Inputs.ClientSecret, Inputs.ClientId);
    // Sent raw in HTTP Basic auth as `id:secret`: a colon would move the split, so Atlas would
    // read another ID.
    if (!/^[\x21-\x39\x3b-\x7e]+$/.test(clientId)) {
      throw new InputError(
        Inputs.ClientId,
        `${shown(clientId)} is not a service account client ID: expected letters, digits or punctuation other than ':', without spaces, such as 'mdb_sa_id_...'.`,
      );
    }
    return { kind: 'service-account', clientId, clientSecret };
  }
  if (apiKey) {
    if (publicKey === undefined) throw missingHalf(Inputs.PublicKey, Inputs.PrivateKey);
    if (privateKey === undefined) throw missingHalf(Inputs.PrivateKey, Inputs.PublicKey);
    // It is sent as the Digest username, in a header: anything else could never be sent.
    if (!/^[\x21-\x7e]+$/.test(publicKey)) {
      throw new InputError(
        Inputs.PublicKey,
        `${shown(publicKey)} is not an API key's public key: expected letters, digits or punctuation, without spaces, as the Atlas access manager shows it.`,
      );
    }
    return { kind: 'api-key', publicKey, privateKey };
  }
  throw new InputError(
    Inputs.ClientId,
    'no credentials were given: set client-id and client-secret (a service account, recommended) or public-key and private-key (a legacy API key).',
  );
}

function missingHalf(missing: InputName, given: InputName): InputError {
  return new InputError(
    missing,
    `is required when ${given} is given: a credential pair must be complete.`,
  );
}

function readRetentionDays(read: (name: InputName) => string): number {
  const value = read(Inputs.RetentionDays) || '0';
  const days = /^\d{1,3}$/.test(value) ? Number(value) : Number.NaN;
  if (!(days >= 0 && days <= 90)) {
    throw new InputError(
      Inputs.RetentionDays,
      `${shown(value)} is not a number of days from 0 to 90 (0: the repository's default).`,
    );
  }
  return days;
}

function readBoolean(
  read: (name: InputName) => string,
  name: InputName,
  fallback: boolean,
): boolean {
  const value = read(name);
  if (value === '') return fallback;
  const parsed = BOOLEANS.get(value);
  if (parsed !== undefined) return parsed;
  // As core.getBooleanInput: YAML 1.2's core schema booleans, nothing looser ('yes', '1').
  throw new InputError(name, `${shown(value)} is not a boolean: expected 'true' or 'false'.`);
}

/**
 * What the artifact service refuses, and what no file can be called: the name is also the
 * file's name, at the default path and in the upload.
 */
function validateArtifactName(name: string, platform: NodeJS.Platform): void {
  const refused = [...ARTIFACT_NAME_FORBIDDEN.keys()].filter((c) => name.includes(c));
  if (refused.length > 0) {
    const names = (chars: string[]) =>
      chars.map((c) => ARTIFACT_NAME_FORBIDDEN.get(c) ?? c).join(' ');
    throw new InputError(
      Inputs.ArtifactName,
      `${shown(name)} contains ${names(refused)}, which the artifact service refuses in a name. It refuses exactly these: ${names([...ARTIFACT_NAME_FORBIDDEN.keys()])}.`,
    );
  }
  if (name === '.' || name === '..') {
    throw new InputError(
      Inputs.ArtifactName,
      `${shown(name)} names a directory, not a file: the artifact name is also the snapshot file's name. Give a name such as 'nightly.tar.gz'.`,
    );
  }
  if (Buffer.byteLength(name) > MAX_FILE_NAME_BYTES) {
    throw new InputError(
      Inputs.ArtifactName,
      `${shown(name)} is ${Buffer.byteLength(name)} bytes long, but the artifact name is also the snapshot file's name, and a file name has at most ${MAX_FILE_NAME_BYTES} bytes.`,
    );
  }
  if (platform === 'win32' && (WINDOWS_DEVICE_NAME.test(name) || /[. ]$/.test(name))) {
    throw new InputError(
      Inputs.ArtifactName,
      `${shown(name)} cannot be a file name on Windows (a device name such as CON or NUL, or a trailing dot or space), and the artifact name is also the snapshot file's name. Give a name such as 'nightly.tar.gz'.`,
    );
  }
}

/** `path` names a file to be: not a directory, and under a directory (or nothing) that exists. */
function requireFilePath(given: string, path: string): void {
  if (/[\\/]$/.test(given) || kindOf(path) === 'directory') {
    throw new InputError(
      Inputs.Path,
      `${shown(path)} is a directory: path names the snapshot file itself, such as '${join(path, 'snapshot.tar.gz')}'.`,
    );
  }
  const blocking = firstExistingAncestor(dirname(path));
  if (blocking !== undefined && blocking.kind !== 'directory') {
    throw new InputError(
      Inputs.Path,
      `${shown(path)} cannot be created: ${shown(blocking.path)} is a file, not a directory.`,
    );
  }
}

/**
 * The snapshot file and the unpacked snapshot may not share a place: a file inside extract-to
 * is written into the directory being unpacked (and then found "not empty"), and extract-to
 * inside the file's place cannot exist beside a file. Without `path`, the file's place is the
 * action's own directory under RUNNER_TEMP, whatever its name turns out to be.
 */
function refuseOverlap(
  extractTo: string,
  path: string | undefined,
  defaultDirectory: string,
  platform: NodeJS.Platform,
): void {
  const place = path ?? defaultDirectory;
  const placeName = path === undefined ? `the default path's directory ${shown(place)}` : 'it';
  if (isWithin(place, extractTo, platform)) {
    throw new InputError(
      Inputs.ExtractTo,
      `${shown(extractTo)} holds ${path === undefined ? placeName : `path ${shown(place)}`}, where the snapshot file is written: unpacking there would mix the file with the data files. Give path and extract-to separate places, e.g. path 'snapshot.tar.gz' and extract-to 'db'.`,
    );
  }
  if (isWithin(extractTo, place, platform)) {
    throw new InputError(
      Inputs.ExtractTo,
      `${shown(extractTo)} is inside ${path === undefined ? placeName : `path ${shown(place)}`}, where the snapshot file is written. Give path and extract-to separate places, e.g. path 'snapshot.tar.gz' and extract-to 'db'.`,
    );
  }
}

/** `inner` is `outer` or below it; case-insensitively where the runner's file system is. */
function isWithin(inner: string, outer: string, platform: NodeJS.Platform): boolean {
  const fold = (p: string) => (platform === 'win32' || platform === 'darwin' ? p.toLowerCase() : p);
  const rel = relative(fold(outer), fold(inner));
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !/^[a-zA-Z]:/.test(rel));
}

function kindOf(path: string): 'directory' | 'other' | undefined {
  try {
    return statSync(path).isDirectory() ? 'directory' : 'other';
  } catch {
    return undefined;
  }
}

function firstExistingAncestor(
  dir: string,
): { path: string; kind: 'directory' | 'other' } | undefined {
  for (let current = dir; ; current = dirname(current)) {
    const kind = kindOf(current);
    if (kind !== undefined) return { path: current, kind };
    if (dirname(current) === current) return undefined;
  }
}

function requireEmptyOrMissingDirectory(dir: string): void {
  const kind = kindOf(dir);
  if (kind === undefined) {
    // Missing: it will be created, under a directory.
    const blocking = firstExistingAncestor(dirname(dir));
    if (blocking !== undefined && blocking.kind !== 'directory') {
      throw new InputError(
        Inputs.ExtractTo,
        `${shown(dir)} cannot be created: ${shown(blocking.path)} is a file, not a directory.`,
      );
    }
    return;
  }
  if (kind !== 'directory' || readdirSync(dir).length > 0) {
    throw new InputError(
      Inputs.ExtractTo,
      `${shown(dir)} exists and is not an empty directory: name a new or empty directory, so nothing of yours is overwritten or mixed with the snapshot.`,
    );
  }
}

/** `90s`, `15m`, `1h` or bare seconds, from 1 s to 6 h, in milliseconds. */
export function parseDuration(value: string): number {
  const match = DURATION.exec(value);
  const amount = match?.[1];
  const ms =
    amount === undefined ? Number.NaN : Number(amount) * UNIT_MS[(match?.[2] ?? 's') as 's'];
  if (!(ms >= 1_000 && ms <= MAX_WAIT_MS)) {
    throw new InputError(
      Inputs.WaitTimeout,
      `${shown(value)} is not a duration from 1 second to 6 hours: expected seconds ('600') or a number with s, m or h ('90s', '15m', '1h').`,
    );
  }
  return ms;
}

/** An https origin, or http on a loopback host. Returns it without a trailing slash. */
export function parseBaseUrl(value: string): string {
  const expected =
    "expected an origin such as 'https://cloud.mongodb.com' (http:// only for 127.0.0.0/8, ::1 or localhost).";
  // A value with an `@` may carry a password (even one the URL parser cannot find): never echo it.
  const named = value.includes('@') ? 'the value (not shown: it contains @)' : shown(value);
  const credentialsInUrl =
    'contains credentials: put them in client-id/client-secret or public-key/private-key instead.';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InputError(Inputs.AtlasBaseUrl, `${named} is not a URL: ${expected}`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new InputError(Inputs.AtlasBaseUrl, credentialsInUrl);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InputError(Inputs.AtlasBaseUrl, `${named} uses ${shown(url.protocol)}: ${expected}`);
  }
  if ((url.pathname !== '/' && url.pathname !== '') || url.search !== '' || url.hash !== '') {
    throw new InputError(
      Inputs.AtlasBaseUrl,
      `${named} has a path, query or fragment: ${expected}`,
    );
  }
  if (url.protocol === 'http:' && !isLoopback(url.hostname)) {
    throw new InputError(
      Inputs.AtlasBaseUrl,
      `${named} uses http:// on a host that is not loopback, which would send credentials in the clear: ${expected}`,
    );
  }
  return url.origin;
}

export function isLoopback(hostname: string): boolean {
  if (hostname === 'localhost' || hostname === '[::1]') return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

/** Longest part of a value an error message quotes: enough to recognise it. */
const SHOWN_LENGTH = 80;
const ESCAPES: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * A value as an error message quotes it: on one line (control characters and line breaks
 * escaped, so a pasted newline shows) and cut short, so a huge value cannot bury the message.
 */
function shown(value: string): string {
  const escaped = value.replace(
    /[\p{Cc}\u2028\u2029]/gu,
    (c) => ESCAPES[c] ?? `\\u${(c.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`,
  );
  const chars = Array.from(escaped);
  if (chars.length <= SHOWN_LENGTH) return `'${escaped}'`;
  return `'${chars.slice(0, SHOWN_LENGTH).join('')}…' (${Array.from(value).length} characters)`;
}
