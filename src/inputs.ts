import { readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
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
// What the artifact service refuses in a name (see @actions/artifact's path-and-artifact-name-validation).
const ARTIFACT_NAME_FORBIDDEN = /["':<>|*?\\/\r\n]/;
const DURATION = /^(\d+)\s*(s|m|h)?$/;
const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000 } as const;
const MAX_WAIT_MS = 6 * UNIT_MS.h;

export interface InputSources {
  /** Reads one input, trimmed; '' when unset. */
  read(name: InputName): string;
  /** Registers a secret with the runner so it never appears in a log. */
  mask(secret: string): void;
  env: NodeJS.ProcessEnv;
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
  if (artifactName !== undefined) validateArtifactName(artifactName);
  const extractDir = extractTo === undefined ? undefined : resolve(workspace, extractTo);
  if (extractDir !== undefined) requireEmptyOrMissingDirectory(extractDir);

  return {
    groupId,
    clusterName,
    snapshotId,
    credentials,
    clusterType,
    delivery,
    path: path === undefined ? undefined : resolve(workspace, path),
    artifactName,
    retentionDays,
    extractTo: extractDir,
    waitTimeoutMs: parseDuration(read(Inputs.WaitTimeout) || '30m'),
    atlasBaseUrl: parseBaseUrl(read(Inputs.AtlasBaseUrl) || 'https://cloud.mongodb.com'),
    tempDir: sources.env.RUNNER_TEMP || tmpdir(),
  };
}

/** The artifact (and default file) name for a snapshot. */
export function artifactNameFor(settings: Settings, snapshotId: string): string {
  return settings.artifactName ?? `${settings.clusterName}-${snapshotId}.tar.gz`;
}

/** Where the snapshot file goes: the user's path, or under RUNNER_TEMP. */
export function snapshotPathFor(settings: Settings, snapshotId: string): string {
  return (
    settings.path ??
    join(settings.tempDir, 'atlas-snapshots', artifactNameFor(settings, snapshotId))
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

function validateArtifactName(name: string): void {
  if (ARTIFACT_NAME_FORBIDDEN.test(name)) {
    throw new InputError(
      Inputs.ArtifactName,
      `${shown(name)} contains a character the artifact service refuses: none of " : < > | * ? \\ / or line breaks.`,
    );
  }
}

function requireEmptyOrMissingDirectory(dir: string): void {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(dir).isDirectory();
  } catch {
    return; // missing: it will be created
  }
  if (!isDirectory || readdirSync(dir).length > 0) {
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

function isLoopback(hostname: string): boolean {
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
