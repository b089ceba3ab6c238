import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
/******/ var __webpack_modules__ = ({

/***/ 27242:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   G0: () => (/* binding */ Inputs),
/* harmony export */   rV: () => (/* binding */ DELIVERIES),
/* harmony export */   rk: () => (/* binding */ CLUSTER_TYPES),
/* harmony export */   tY: () => (/* binding */ Outputs)
/* harmony export */ });
/** Input names as written in action.yml: the only place they are spelled. */
const Inputs = {
    GroupId: 'group-id',
    ClusterName: 'cluster-name',
    SnapshotId: 'snapshot-id',
    ClientId: 'client-id',
    ClientSecret: 'client-secret',
    PublicKey: 'public-key',
    PrivateKey: 'private-key',
    ClusterType: 'cluster-type',
    Delivery: 'delivery',
    Path: 'path',
    ArtifactName: 'artifact-name',
    RetentionDays: 'retention-days',
    Overwrite: 'overwrite',
    ExtractTo: 'extract-to',
    WaitTimeout: 'wait-timeout',
    AtlasBaseUrl: 'atlas-base-url',
};
/** Output names as written in action.yml. */
const Outputs = {
    SnapshotId: 'snapshot-id',
    ClusterType: 'cluster-type',
    RestoreJobId: 'restore-job-id',
    SnapshotUrl: 'snapshot-url',
    ExpiresAt: 'expires-at',
    SnapshotFinishedAt: 'snapshot-finished-at',
    MongodbVersion: 'mongodb-version',
    Path: 'path',
    Size: 'size',
    Sha256: 'sha256',
    Files: 'files',
    ExtractedTo: 'extracted-to',
    ArtifactId: 'artifact-id',
    ArtifactUrl: 'artifact-url',
    ArtifactDigest: 'artifact-digest',
};
const CLUSTER_TYPES = ['auto', 'flex', 'dedicated', 'shared'];
const DELIVERIES = ['artifact', 'file', 'url'];


/***/ }),

/***/ 79407:
/***/ ((module, __unused_webpack___webpack_exports__, __nccwpck_require__) => {

__nccwpck_require__.a(module, async (__webpack_handle_async_dependencies__, __webpack_async_result__) => { try {
/* harmony import */ var _inputs_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(38422);
/* harmony import */ var _workflow_commands_js__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(16137);


/**
 * The runner cancels a step with SIGINT, then SIGTERM 7.5 s later; both mean "stop now, clean
 * up". On Windows it sends Ctrl+C (SIGINT to Node) and then Ctrl+Break (SIGBREAK).
 */
const controller = new AbortController();
/** Under the runner's 7.5 s between SIGINT and SIGTERM. */
const CANCEL_GRACE_MS = 5_000;
const SIGNALS = ['SIGINT', 'SIGTERM'];
if (process.platform === 'win32')
    SIGNALS.push('SIGBREAK');
for (const signal of SIGNALS) {
    process.once(signal, () => {
        (0,_workflow_commands_js__WEBPACK_IMPORTED_MODULE_1__/* .info */ .pq)(`Received ${signal}: cancelling.`);
        controller.abort(new Error(`The run was cancelled (${signal}).`));
        // The artifact upload takes no AbortSignal: if cleanup has not ended the process within
        // a few seconds, end it here, before the runner's SIGKILL. Nothing half-uploaded is
        // finalised, and every partial download has been deleted by then.
        setTimeout(() => {
            (0,_workflow_commands_js__WEBPACK_IMPORTED_MODULE_1__/* .setFailed */ .C1)(`The run was cancelled (${signal}).`);
            void (0,_workflow_commands_js__WEBPACK_IMPORTED_MODULE_1__/* .flushStdout */ .KX)(process.stdout, 1_000).then(() => process.exit());
        }, CANCEL_GRACE_MS).unref();
    });
}
// Stacks only reach the log with step debug logging on. Only then are the bundle's source maps
// worth loading: parsing them costs 35 MiB and a third of a second, and Node would do it
// whenever a dependency reads an error's stack (undici does, as it closes idle sockets).
if ((0,_workflow_commands_js__WEBPACK_IMPORTED_MODULE_1__/* .isDebug */ ._o)())
    process.setSourceMapsEnabled(true);
try {
    const settings = (0,_inputs_js__WEBPACK_IMPORTED_MODULE_0__/* .readSettings */ .sb)();
    // The rest (@actions/core, undici, the Atlas client, tar) is most of the bundle: loaded only
    // once the inputs are valid, so a typo fails before Node has parsed any of it.
    const { run } = await Promise.all(/* import() */[__nccwpck_require__.e(572), __nccwpck_require__.e(695)]).then(__nccwpck_require__.bind(__nccwpck_require__, 27695));
    await run({ settings, signal: controller.signal });
}
catch (error) {
    if ((0,_workflow_commands_js__WEBPACK_IMPORTED_MODULE_1__/* .isDebug */ ._o)() && error instanceof Error && error.stack !== undefined)
        (0,_workflow_commands_js__WEBPACK_IMPORTED_MODULE_1__/* .debug */ .Yz)(error.stack);
    (0,_workflow_commands_js__WEBPACK_IMPORTED_MODULE_1__/* .setFailed */ .C1)(controller.signal.aborted ? String(controller.signal.reason.message) : messageOf(error));
}
// Exit explicitly, as actions/cache does: a keep-alive socket or a stray timer in a dependency
// must not hold the job open after the work is done. Only once stdout is out, though: on a pipe
// the last lines, the ::error:: one included, may still be queued in this process.
await (0,_workflow_commands_js__WEBPACK_IMPORTED_MODULE_1__/* .flushStdout */ .KX)();
process.exit();
function messageOf(error) {
    if (error instanceof Error)
        return error.message;
    return `Unexpected failure: ${String(error)}`;
}

__webpack_async_result__();
} catch(e) { __webpack_async_result__(e); } }, 1);

/***/ }),

/***/ 38422:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   FP: () => (/* binding */ artifactNameFor),
/* harmony export */   Nm: () => (/* binding */ snapshotPathFor),
/* harmony export */   U9: () => (/* binding */ isLoopback),
/* harmony export */   sb: () => (/* binding */ readSettings)
/* harmony export */ });
/* unused harmony exports InputError, parseDuration, parseBaseUrl */
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(73024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__nccwpck_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(48161);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__nccwpck_require__.n(node_os__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2__ = __nccwpck_require__(76760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__nccwpck_require__.n(node_path__WEBPACK_IMPORTED_MODULE_2__);
/* harmony import */ var _constants_js__WEBPACK_IMPORTED_MODULE_3__ = __nccwpck_require__(27242);
/* harmony import */ var _workflow_commands_js__WEBPACK_IMPORTED_MODULE_4__ = __nccwpck_require__(16137);





/** A bad input value. The message names the input, the value (never a secret) and the expected form. */
class InputError extends Error {
    name = 'InputError';
    input;
    constructor(input, message) {
        super(`Input '${input}': ${message}`);
        this.input = input;
    }
}
const HEX24 = /^[a-f0-9]{24}$/;
const CLUSTER_NAME = /^[a-zA-Z0-9][a-zA-Z0-9-]*$/;
// Exactly what @actions/artifact 6.2 refuses in a name (invalidArtifactNameCharacters in
// lib/internal/upload/path-and-artifact-name-validation.js), and how the message names them.
const ARTIFACT_NAME_FORBIDDEN = new Map([
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
const BOOLEANS = new Map([
    ['true', true],
    ['True', true],
    ['TRUE', true],
    ['false', false],
    ['False', false],
    ['FALSE', false],
]);
const DURATION = /^(\d+)\s*(s|m|h)?$/;
const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000 };
const MAX_WAIT_MS = 6 * UNIT_MS.h;
const runnerSources = {
    read: _workflow_commands_js__WEBPACK_IMPORTED_MODULE_4__/* .getInput */ .V4,
    mask: _workflow_commands_js__WEBPACK_IMPORTED_MODULE_4__/* .setSecret */ .Pq,
    env: process.env,
};
/** Reads and validates every input. Throws InputError on the first bad one. */
function readSettings(sources = runnerSources) {
    const read = (name) => sources.read(name).trim();
    // Secrets are masked before anything else can fail and print a message.
    for (const secret of [_constants_js__WEBPACK_IMPORTED_MODULE_3__/* .Inputs */ .G0.ClientSecret, _constants_js__WEBPACK_IMPORTED_MODULE_3__/* .Inputs */ .G0.PrivateKey]) {
        const value = read(secret);
        if (value !== '')
            sources.mask(value);
    }
    const groupId = required(read, _constants_js__WEBPACK_IMPORTED_MODULE_3__/* .Inputs */ .G0.GroupId);
    if (!HEX24.test(groupId)) {
        throw new InputError(_constants_js__WEBPACK_IMPORTED_MODULE_3__/* .Inputs */ .G0.GroupId, `${shown(groupId)} is not an Atlas project ID: expected 24 lowercase hexadecimal characters, as in the project's URL or Project Settings.`);
    }
    const clusterName = required(read, _constants_js__WEBPACK_IMPORTED_MODULE_3__/* .Inputs */ .G0.ClusterName);
    if (clusterName.length > 64 || !CLUSTER_NAME.test(clusterName)) {
        throw new InputError(_constants_js__WEBPACK_IMPORTED_MODULE_3__/* .Inputs */ .G0.ClusterName, `${shown(clusterName)} is not a cluster name: expected 1 to 64 letters, digits or hyphens, starting with a letter or digit.`);
    }
    const snapshotId = optional(read, _constants_js__WEBPACK_IMPORTED_MODULE_3__/* .Inputs */ .G0.SnapshotId);
    if (snapshotId !== undefined && !HEX24.test(snapshotId)) {
        throw new InputError(_constants_js__WEBPACK_IMPORTED_MODULE_3__/* .Inputs */ .G0.SnapshotId, `${shown(snapshotId)} is not a snapshot ID: expected 24 lowercase hexadecimal characters, or leave it empty for the newest completed snapshot.`);
    }
    const credentials = readCredentials(read);
    const clusterType = oneOf(read, _constants_js__WEBPACK_IMPORTED_MODULE_3__/* .Inputs */ .G0.ClusterType, _constants_js__WEBPACK_IMPORTED_MODULE_3__/* .CLUSTER_TYPES */ .rk, 'auto');
    const delivery = oneOf(read, _constants_js__WEBPACK_IMPORTED_MODULE_3__/* .Inputs */ .G0.Delivery, _constants_js__WEBPACK_IMPORTED_MODULE_3__/* .DELIVERIES */ .rV, 'artifact');
    const workspace = sources.env.GITHUB_WORKSPACE || process.cwd();
    const path = optional(read, _constants_js__WEBPACK_IMPORTED_MODULE_3__/* .Inputs */ .G0.Path);
    const artifactName = optional(read, _constants_js__WEBPACK_IMPORTED_MODULE_3__/* .Inputs */ .G0.ArtifactName);
    const extractTo = optional(read, _constants_js__WEBPACK_IMPORTED_MODULE_3__/* .Inputs */ .G0.ExtractTo);
    const retentionDays = readRetentionDays(read);
    const overwrite = readBoolean(read, _constants_js__WEBPACK_IMPORTED_MODULE_3__/* .Inputs */ .G0.Overwrite, false);
    if (delivery === 'url') {
        for (const [name, value] of [
            [_constants_js__WEBPACK_IMPORTED_MODULE_3__/* .Inputs */ .G0.Path, path],
            [_constants_js__WEBPACK_IMPORTED_MODULE_3__/* .Inputs */ .G0.ExtractTo, extractTo],
            [_constants_js__WEBPACK_IMPORTED_MODULE_3__/* .Inputs */ .G0.ArtifactName, artifactName],
        ]) {
            if (value !== undefined) {
                throw new InputError(name, `is set, but delivery 'url' downloads nothing: remove ${name}, or use delivery 'file' or 'artifact'.`);
            }
        }
    }
    if (delivery !== 'artifact' && retentionDays !== 0) {
        throw new InputError(_constants_js__WEBPACK_IMPORTED_MODULE_3__/* .Inputs */ .G0.RetentionDays, `is ${retentionDays}, but delivery '${delivery}' uploads no artifact: remove retention-days, or use delivery 'artifact'.`);
    }
    if (delivery !== 'artifact' && overwrite) {
        throw new InputError(_constants_js__WEBPACK_IMPORTED_MODULE_3__/* .Inputs */ .G0.Overwrite, `is true, but delivery '${delivery}' uploads no artifact: remove overwrite, or use delivery 'artifact'.`);
    }
    const platform = sources.platform ?? process.platform;
    if (artifactName !== undefined)
        validateArtifactName(artifactName, platform);
    const tempDir = sources.env.RUNNER_TEMP || (0,node_os__WEBPACK_IMPORTED_MODULE_1__.tmpdir)();
    const filePath = path === undefined ? undefined : (0,node_path__WEBPACK_IMPORTED_MODULE_2__.resolve)(workspace, path);
    if (filePath !== undefined)
        requireFilePath(path ?? '', filePath);
    const extractDir = extractTo === undefined ? undefined : (0,node_path__WEBPACK_IMPORTED_MODULE_2__.resolve)(workspace, extractTo);
    if (extractDir !== undefined) {
        refuseOverlap(extractDir, filePath, (0,node_path__WEBPACK_IMPORTED_MODULE_2__.join)(tempDir, DEFAULT_DIRECTORY), platform);
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
        waitTimeoutMs: parseDuration(read(_constants_js__WEBPACK_IMPORTED_MODULE_3__/* .Inputs */ .G0.WaitTimeout) || '30m'),
        atlasBaseUrl: parseBaseUrl(read(_constants_js__WEBPACK_IMPORTED_MODULE_3__/* .Inputs */ .G0.AtlasBaseUrl) || 'https://cloud.mongodb.com'),
        tempDir,
    };
}
/** Where default paths go, under RUNNER_TEMP. */
const DEFAULT_DIRECTORY = 'atlas-snapshots';
/** The artifact (and default file) name for a snapshot. */
function artifactNameFor(settings, snapshotId) {
    return settings.artifactName ?? `${settings.clusterName}-${snapshotId}.tar.gz`;
}
/** Where the snapshot file goes: the user's path, or under RUNNER_TEMP. */
function snapshotPathFor(settings, snapshotId) {
    return (settings.path ??
        (0,node_path__WEBPACK_IMPORTED_MODULE_2__.join)(settings.tempDir, DEFAULT_DIRECTORY, artifactNameFor(settings, snapshotId)));
}
function required(read, name) {
    const value = read(name);
    if (value === '')
        throw new InputError(name, 'is required but was empty.');
    return value;
}
function optional(read, name) {
    const value = read(name);
    return value === '' ? undefined : value;
}
function oneOf(read, name, allowed, fallback) {
    const value = read(name) || fallback;
    if (allowed.includes(value))
        return value;
    throw new InputError(name, `${shown(value)} is not one of ${allowed.map((a) => `'${a}'`).join(', ')}.`);
}
function readCredentials(read) {
    const clientId = optional(read, _constants_js__WEBPACK_IMPORTED_MODULE_3__/* .Inputs */ .G0.ClientId);
    const clientSecret = optional(read, _constants_js__WEBPACK_IMPORTED_MODULE_3__/* .Inputs */ .G0.ClientSecret);
    const publicKey = optional(read, _constants_js__WEBPACK_IMPORTED_MODULE_3__/* .Inputs */ .G0.PublicKey);
    const privateKey = optional(read, _constants_js__WEBPACK_IMPORTED_MODULE_3__/* .Inputs */ .G0.PrivateKey);
    const serviceAccount = clientId !== undefined || clientSecret !== undefined;
    const apiKey = publicKey !== undefined || privateKey !== undefined;
    if (serviceAccount && apiKey) {
        throw new InputError(_constants_js__WEBPACK_IMPORTED_MODULE_3__/* .Inputs */ .G0.ClientId, 'both a service account (client-id, client-secret) and an API key (public-key, private-key) were given: give exactly one pair.');
    }
    if (serviceAccount) {
        if (clientId === undefined)
            throw missingHalf(_constants_js__WEBPACK_IMPORTED_MODULE_3__/* .Inputs */ .G0.ClientId, _constants_js__WEBPACK_IMPORTED_MODULE_3__/* .Inputs */ .G0.ClientSecret);
        if (clientSecret === undefined)
            throw missingHalf(_constants_js__WEBPACK_IMPORTED_MODULE_3__/* .Inputs */ .G0.ClientSecret, _constants_js__WEBPACK_IMPORTED_MODULE_3__/* .Inputs */ .G0.ClientId);
        // Sent raw in HTTP Basic auth as `id:secret`: a colon would move the split, so Atlas would
        // read another ID.
        if (!/^[\x21-\x39\x3b-\x7e]+$/.test(clientId)) {
            throw new InputError(_constants_js__WEBPACK_IMPORTED_MODULE_3__/* .Inputs */ .G0.ClientId, `${shown(clientId)} is not a service account client ID: expected letters, digits or punctuation other than ':', without spaces, such as 'mdb_sa_id_...'.`);
        }
        return { kind: 'service-account', clientId, clientSecret };
    }
    if (apiKey) {
        if (publicKey === undefined)
            throw missingHalf(_constants_js__WEBPACK_IMPORTED_MODULE_3__/* .Inputs */ .G0.PublicKey, _constants_js__WEBPACK_IMPORTED_MODULE_3__/* .Inputs */ .G0.PrivateKey);
        if (privateKey === undefined)
            throw missingHalf(_constants_js__WEBPACK_IMPORTED_MODULE_3__/* .Inputs */ .G0.PrivateKey, _constants_js__WEBPACK_IMPORTED_MODULE_3__/* .Inputs */ .G0.PublicKey);
        // It is sent as the Digest username, in a header: anything else could never be sent.
        if (!/^[\x21-\x7e]+$/.test(publicKey)) {
            throw new InputError(_constants_js__WEBPACK_IMPORTED_MODULE_3__/* .Inputs */ .G0.PublicKey, `${shown(publicKey)} is not an API key's public key: expected letters, digits or punctuation, without spaces, as the Atlas access manager shows it.`);
        }
        return { kind: 'api-key', publicKey, privateKey };
    }
    throw new InputError(_constants_js__WEBPACK_IMPORTED_MODULE_3__/* .Inputs */ .G0.ClientId, 'no credentials were given: set client-id and client-secret (a service account, recommended) or public-key and private-key (a legacy API key).');
}
function missingHalf(missing, given) {
    return new InputError(missing, `is required when ${given} is given: a credential pair must be complete.`);
}
function readRetentionDays(read) {
    const value = read(_constants_js__WEBPACK_IMPORTED_MODULE_3__/* .Inputs */ .G0.RetentionDays) || '0';
    const days = /^\d{1,3}$/.test(value) ? Number(value) : Number.NaN;
    if (!(days >= 0 && days <= 90)) {
        throw new InputError(_constants_js__WEBPACK_IMPORTED_MODULE_3__/* .Inputs */ .G0.RetentionDays, `${shown(value)} is not a number of days from 0 to 90 (0: the repository's default).`);
    }
    return days;
}
function readBoolean(read, name, fallback) {
    const value = read(name);
    if (value === '')
        return fallback;
    const parsed = BOOLEANS.get(value);
    if (parsed !== undefined)
        return parsed;
    // As core.getBooleanInput: YAML 1.2's core schema booleans, nothing looser ('yes', '1').
    throw new InputError(name, `${shown(value)} is not a boolean: expected 'true' or 'false'.`);
}
/**
 * What the artifact service refuses, and what no file can be called: the name is also the
 * file's name, at the default path and in the upload.
 */
function validateArtifactName(name, platform) {
    const refused = [...ARTIFACT_NAME_FORBIDDEN.keys()].filter((c) => name.includes(c));
    if (refused.length > 0) {
        const names = (chars) => chars.map((c) => ARTIFACT_NAME_FORBIDDEN.get(c) ?? c).join(' ');
        throw new InputError(_constants_js__WEBPACK_IMPORTED_MODULE_3__/* .Inputs */ .G0.ArtifactName, `${shown(name)} contains ${names(refused)}, which the artifact service refuses in a name. It refuses exactly these: ${names([...ARTIFACT_NAME_FORBIDDEN.keys()])}.`);
    }
    if (name === '.' || name === '..') {
        throw new InputError(_constants_js__WEBPACK_IMPORTED_MODULE_3__/* .Inputs */ .G0.ArtifactName, `${shown(name)} names a directory, not a file: the artifact name is also the snapshot file's name. Give a name such as 'nightly.tar.gz'.`);
    }
    if (Buffer.byteLength(name) > MAX_FILE_NAME_BYTES) {
        throw new InputError(_constants_js__WEBPACK_IMPORTED_MODULE_3__/* .Inputs */ .G0.ArtifactName, `${shown(name)} is ${Buffer.byteLength(name)} bytes long, but the artifact name is also the snapshot file's name, and a file name has at most ${MAX_FILE_NAME_BYTES} bytes.`);
    }
    if (platform === 'win32' && (WINDOWS_DEVICE_NAME.test(name) || /[. ]$/.test(name))) {
        throw new InputError(_constants_js__WEBPACK_IMPORTED_MODULE_3__/* .Inputs */ .G0.ArtifactName, `${shown(name)} cannot be a file name on Windows (a device name such as CON or NUL, or a trailing dot or space), and the artifact name is also the snapshot file's name. Give a name such as 'nightly.tar.gz'.`);
    }
}
/** `path` names a file to be: not a directory, and under a directory (or nothing) that exists. */
function requireFilePath(given, path) {
    if (/[\\/]$/.test(given) || kindOf(path) === 'directory') {
        throw new InputError(_constants_js__WEBPACK_IMPORTED_MODULE_3__/* .Inputs */ .G0.Path, `${shown(path)} is a directory: path names the snapshot file itself, such as '${(0,node_path__WEBPACK_IMPORTED_MODULE_2__.join)(path, 'snapshot.tar.gz')}'.`);
    }
    const blocking = firstExistingAncestor((0,node_path__WEBPACK_IMPORTED_MODULE_2__.dirname)(path));
    if (blocking !== undefined && blocking.kind !== 'directory') {
        throw new InputError(_constants_js__WEBPACK_IMPORTED_MODULE_3__/* .Inputs */ .G0.Path, `${shown(path)} cannot be created: ${shown(blocking.path)} is a file, not a directory.`);
    }
}
/**
 * The snapshot file and the unpacked snapshot may not share a place: a file inside extract-to
 * is written into the directory being unpacked (and then found "not empty"), and extract-to
 * inside the file's place cannot exist beside a file. Without `path`, the file's place is the
 * action's own directory under RUNNER_TEMP, whatever its name turns out to be.
 */
function refuseOverlap(extractTo, path, defaultDirectory, platform) {
    const place = path ?? defaultDirectory;
    const placeName = path === undefined ? `the default path's directory ${shown(place)}` : 'it';
    if (isWithin(place, extractTo, platform)) {
        throw new InputError(_constants_js__WEBPACK_IMPORTED_MODULE_3__/* .Inputs */ .G0.ExtractTo, `${shown(extractTo)} holds ${path === undefined ? placeName : `path ${shown(place)}`}, where the snapshot file is written: unpacking there would mix the file with the data files. Give path and extract-to separate places, e.g. path 'snapshot.tar.gz' and extract-to 'db'.`);
    }
    if (isWithin(extractTo, place, platform)) {
        throw new InputError(_constants_js__WEBPACK_IMPORTED_MODULE_3__/* .Inputs */ .G0.ExtractTo, `${shown(extractTo)} is inside ${path === undefined ? placeName : `path ${shown(place)}`}, where the snapshot file is written. Give path and extract-to separate places, e.g. path 'snapshot.tar.gz' and extract-to 'db'.`);
    }
}
/** `inner` is `outer` or below it; case-insensitively where the runner's file system is. */
function isWithin(inner, outer, platform) {
    const fold = (p) => (platform === 'win32' || platform === 'darwin' ? p.toLowerCase() : p);
    const rel = (0,node_path__WEBPACK_IMPORTED_MODULE_2__.relative)(fold(outer), fold(inner));
    return rel === '' || (rel !== '..' && !rel.startsWith(`..${node_path__WEBPACK_IMPORTED_MODULE_2__.sep}`) && !/^[a-zA-Z]:/.test(rel));
}
function kindOf(path) {
    try {
        return (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.statSync)(path).isDirectory() ? 'directory' : 'other';
    }
    catch {
        return undefined;
    }
}
function firstExistingAncestor(dir) {
    for (let current = dir;; current = (0,node_path__WEBPACK_IMPORTED_MODULE_2__.dirname)(current)) {
        const kind = kindOf(current);
        if (kind !== undefined)
            return { path: current, kind };
        if ((0,node_path__WEBPACK_IMPORTED_MODULE_2__.dirname)(current) === current)
            return undefined;
    }
}
function requireEmptyOrMissingDirectory(dir) {
    const kind = kindOf(dir);
    if (kind === undefined) {
        // Missing: it will be created, under a directory.
        const blocking = firstExistingAncestor((0,node_path__WEBPACK_IMPORTED_MODULE_2__.dirname)(dir));
        if (blocking !== undefined && blocking.kind !== 'directory') {
            throw new InputError(_constants_js__WEBPACK_IMPORTED_MODULE_3__/* .Inputs */ .G0.ExtractTo, `${shown(dir)} cannot be created: ${shown(blocking.path)} is a file, not a directory.`);
        }
        return;
    }
    if (kind !== 'directory' || (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.readdirSync)(dir).length > 0) {
        throw new InputError(_constants_js__WEBPACK_IMPORTED_MODULE_3__/* .Inputs */ .G0.ExtractTo, `${shown(dir)} exists and is not an empty directory: name a new or empty directory, so nothing of yours is overwritten or mixed with the snapshot.`);
    }
}
/** `90s`, `15m`, `1h` or bare seconds, from 1 s to 6 h, in milliseconds. */
function parseDuration(value) {
    const match = DURATION.exec(value);
    const amount = match?.[1];
    const ms = amount === undefined ? Number.NaN : Number(amount) * UNIT_MS[(match?.[2] ?? 's')];
    if (!(ms >= 1_000 && ms <= MAX_WAIT_MS)) {
        throw new InputError(_constants_js__WEBPACK_IMPORTED_MODULE_3__/* .Inputs */ .G0.WaitTimeout, `${shown(value)} is not a duration from 1 second to 6 hours: expected seconds ('600') or a number with s, m or h ('90s', '15m', '1h').`);
    }
    return ms;
}
/** An https origin, or http on a loopback host. Returns it without a trailing slash. */
function parseBaseUrl(value) {
    const expected = "expected an origin such as 'https://cloud.mongodb.com' (http:// only for 127.0.0.0/8, ::1 or localhost).";
    // A value with an `@` may carry a password (even one the URL parser cannot find): never echo it.
    const named = value.includes('@') ? 'the value (not shown: it contains @)' : shown(value);
    const credentialsInUrl = 'contains credentials: put them in client-id/client-secret or public-key/private-key instead.';
    let url;
    try {
        url = new URL(value);
    }
    catch {
        throw new InputError(_constants_js__WEBPACK_IMPORTED_MODULE_3__/* .Inputs */ .G0.AtlasBaseUrl, `${named} is not a URL: ${expected}`);
    }
    if (url.username !== '' || url.password !== '') {
        throw new InputError(_constants_js__WEBPACK_IMPORTED_MODULE_3__/* .Inputs */ .G0.AtlasBaseUrl, credentialsInUrl);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
        throw new InputError(_constants_js__WEBPACK_IMPORTED_MODULE_3__/* .Inputs */ .G0.AtlasBaseUrl, `${named} uses ${shown(url.protocol)}: ${expected}`);
    }
    if ((url.pathname !== '/' && url.pathname !== '') || url.search !== '' || url.hash !== '') {
        throw new InputError(_constants_js__WEBPACK_IMPORTED_MODULE_3__/* .Inputs */ .G0.AtlasBaseUrl, `${named} has a path, query or fragment: ${expected}`);
    }
    if (url.protocol === 'http:' && !isLoopback(url.hostname)) {
        throw new InputError(_constants_js__WEBPACK_IMPORTED_MODULE_3__/* .Inputs */ .G0.AtlasBaseUrl, `${named} uses http:// on a host that is not loopback, which would send credentials in the clear: ${expected}`);
    }
    return url.origin;
}
function isLoopback(hostname) {
    if (hostname === 'localhost' || hostname === '[::1]')
        return true;
    return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}
/** Longest part of a value an error message quotes: enough to recognise it. */
const SHOWN_LENGTH = 80;
const ESCAPES = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
/**
 * A value as an error message quotes it: on one line (control characters and line breaks
 * escaped, so a pasted newline shows) and cut short, so a huge value cannot bury the message.
 */
function shown(value) {
    const escaped = value.replace(/[\p{Cc}\u2028\u2029]/gu, (c) => ESCAPES[c] ?? `\\u${(c.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`);
    const chars = Array.from(escaped);
    if (chars.length <= SHOWN_LENGTH)
        return `'${escaped}'`;
    return `'${chars.slice(0, SHOWN_LENGTH).join('')}…' (${Array.from(value).length} characters)`;
}


/***/ }),

/***/ 16137:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   C1: () => (/* binding */ setFailed),
/* harmony export */   KX: () => (/* binding */ flushStdout),
/* harmony export */   Pq: () => (/* binding */ setSecret),
/* harmony export */   V4: () => (/* binding */ getInput),
/* harmony export */   Yz: () => (/* binding */ debug),
/* harmony export */   _o: () => (/* binding */ isDebug),
/* harmony export */   pq: () => (/* binding */ info)
/* harmony export */ });
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(48161);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__nccwpck_require__.n(node_os__WEBPACK_IMPORTED_MODULE_0__);
/**
 * The few runner interactions needed before the main module is loaded: reading an input,
 * masking a secret, and failing the step. @actions/core writes exactly these lines, but
 * importing it also loads its OIDC HTTP client (about 1 MB of bundle), which alone made a run
 * with a bad input take 2.3 times as long as `node -e 0`. Everything after validation uses
 * @actions/core.
 */

/** As core.getInput: INPUT_<NAME> with spaces as underscores, trimmed; '' when unset. */
function getInput(name) {
    return (process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
}
function setSecret(secret) {
    issue('add-mask', secret);
}
function info(message) {
    process.stdout.write(message + node_os__WEBPACK_IMPORTED_MODULE_0__.EOL);
}
function isDebug() {
    return process.env.RUNNER_DEBUG === '1';
}
function debug(message) {
    issue('debug', message);
}
/** As core.setFailed: an error annotation, and exit code 1 once the process ends. */
function setFailed(message) {
    process.exitCode = 1;
    issue('error', message);
}
/**
 * Resolves once everything written to stdout so far has reached the reader's end, or after
 * `limitMs`. A pipe takes what fits its buffer at once and queues the rest in the process (on
 * Linux and macOS; Windows writes a TTY so too): process.exit() drops that queue, the
 * ::error:: line with it, unless the event loop has run until it drained.
 */
function flushStdout(stream = process.stdout, limitMs = 5_000) {
    return new Promise((resolve) => {
        // A reader that never reads must not hold the job: after the limit, exit anyway.
        const timer = setTimeout(resolve, limitMs);
        // Writes complete in order, so this one's callback means every earlier one is out.
        stream.write('', () => {
            clearTimeout(timer);
            resolve();
        });
    });
}
function issue(command, message) {
    const escaped = message.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A');
    process.stdout.write(`::${command}::${escaped}${node_os__WEBPACK_IMPORTED_MODULE_0__.EOL}`);
}


/***/ }),

/***/ 42613:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("assert");

/***/ }),

/***/ 20181:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("buffer");

/***/ }),

/***/ 35317:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("child_process");

/***/ }),

/***/ 49140:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("constants");

/***/ }),

/***/ 76982:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("crypto");

/***/ }),

/***/ 24434:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("events");

/***/ }),

/***/ 79896:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("fs");

/***/ }),

/***/ 91943:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("fs/promises");

/***/ }),

/***/ 58611:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("http");

/***/ }),

/***/ 65692:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("https");

/***/ }),

/***/ 69278:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("net");

/***/ }),

/***/ 34589:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:assert");

/***/ }),

/***/ 16698:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:async_hooks");

/***/ }),

/***/ 4573:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:buffer");

/***/ }),

/***/ 37540:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:console");

/***/ }),

/***/ 77598:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:crypto");

/***/ }),

/***/ 53053:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:diagnostics_channel");

/***/ }),

/***/ 40610:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:dns");

/***/ }),

/***/ 78474:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:events");

/***/ }),

/***/ 73024:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");

/***/ }),

/***/ 51455:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs/promises");

/***/ }),

/***/ 37067:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:http");

/***/ }),

/***/ 32467:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:http2");

/***/ }),

/***/ 44708:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:https");

/***/ }),

/***/ 98995:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:module");

/***/ }),

/***/ 77030:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:net");

/***/ }),

/***/ 48161:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:os");

/***/ }),

/***/ 76760:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:path");

/***/ }),

/***/ 643:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:perf_hooks");

/***/ }),

/***/ 1708:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:process");

/***/ }),

/***/ 41792:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:querystring");

/***/ }),

/***/ 80099:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:sqlite");

/***/ }),

/***/ 57075:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:stream");

/***/ }),

/***/ 46466:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:stream/promises");

/***/ }),

/***/ 46193:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:string_decoder");

/***/ }),

/***/ 87997:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:timers");

/***/ }),

/***/ 41692:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:tls");

/***/ }),

/***/ 73136:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:url");

/***/ }),

/***/ 57975:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:util");

/***/ }),

/***/ 73429:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:util/types");

/***/ }),

/***/ 75919:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:worker_threads");

/***/ }),

/***/ 38522:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:zlib");

/***/ }),

/***/ 70857:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("os");

/***/ }),

/***/ 16928:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("path");

/***/ }),

/***/ 2203:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("stream");

/***/ }),

/***/ 13193:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("string_decoder");

/***/ }),

/***/ 53557:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("timers");

/***/ }),

/***/ 64756:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("tls");

/***/ }),

/***/ 52018:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("tty");

/***/ }),

/***/ 87016:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("url");

/***/ }),

/***/ 39023:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("util");

/***/ }),

/***/ 43106:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("zlib");

/***/ })

/******/ });
/************************************************************************/
/******/ // The module cache
/******/ var __webpack_module_cache__ = {};
/******/ 
/******/ // The require function
/******/ function __nccwpck_require__(moduleId) {
/******/ 	// Check if module is in cache
/******/ 	var cachedModule = __webpack_module_cache__[moduleId];
/******/ 	if (cachedModule !== undefined) {
/******/ 		return cachedModule.exports;
/******/ 	}
/******/ 	// Create a new module (and put it into the cache)
/******/ 	var module = __webpack_module_cache__[moduleId] = {
/******/ 		id: moduleId,
/******/ 		loaded: false,
/******/ 		exports: {}
/******/ 	};
/******/ 
/******/ 	// Execute the module function
/******/ 	var threw = true;
/******/ 	try {
/******/ 		__webpack_modules__[moduleId].call(module.exports, module, module.exports, __nccwpck_require__);
/******/ 		threw = false;
/******/ 	} finally {
/******/ 		if(threw) delete __webpack_module_cache__[moduleId];
/******/ 	}
/******/ 
/******/ 	// Flag the module as loaded
/******/ 	module.loaded = true;
/******/ 
/******/ 	// Return the exports of the module
/******/ 	return module.exports;
/******/ }
/******/ 
/******/ // expose the modules object (__webpack_modules__)
/******/ __nccwpck_require__.m = __webpack_modules__;
/******/ 
/************************************************************************/
/******/ /* webpack/runtime/async module */
/******/ (() => {
/******/ 	var webpackQueues = typeof Symbol === "function" ? Symbol("webpack queues") : "__webpack_queues__";
/******/ 	var webpackExports = typeof Symbol === "function" ? Symbol("webpack exports") : "__webpack_exports__";
/******/ 	var webpackError = typeof Symbol === "function" ? Symbol("webpack error") : "__webpack_error__";
/******/ 	var resolveQueue = (queue) => {
/******/ 		if(queue && queue.d < 1) {
/******/ 			queue.d = 1;
/******/ 			queue.forEach((fn) => (fn.r--));
/******/ 			queue.forEach((fn) => (fn.r-- ? fn.r++ : fn()));
/******/ 		}
/******/ 	}
/******/ 	var wrapDeps = (deps) => (deps.map((dep) => {
/******/ 		if(dep !== null && typeof dep === "object") {
/******/ 			if(dep[webpackQueues]) return dep;
/******/ 			if(dep.then) {
/******/ 				var queue = [];
/******/ 				queue.d = 0;
/******/ 				dep.then((r) => {
/******/ 					obj[webpackExports] = r;
/******/ 					resolveQueue(queue);
/******/ 				}, (e) => {
/******/ 					obj[webpackError] = e;
/******/ 					resolveQueue(queue);
/******/ 				});
/******/ 				var obj = {};
/******/ 				obj[webpackQueues] = (fn) => (fn(queue));
/******/ 				return obj;
/******/ 			}
/******/ 		}
/******/ 		var ret = {};
/******/ 		ret[webpackQueues] = x => {};
/******/ 		ret[webpackExports] = dep;
/******/ 		return ret;
/******/ 	}));
/******/ 	__nccwpck_require__.a = (module, body, hasAwait) => {
/******/ 		var queue;
/******/ 		hasAwait && ((queue = []).d = -1);
/******/ 		var depQueues = new Set();
/******/ 		var exports = module.exports;
/******/ 		var currentDeps;
/******/ 		var outerResolve;
/******/ 		var reject;
/******/ 		var promise = new Promise((resolve, rej) => {
/******/ 			reject = rej;
/******/ 			outerResolve = resolve;
/******/ 		});
/******/ 		promise[webpackExports] = exports;
/******/ 		promise[webpackQueues] = (fn) => (queue && fn(queue), depQueues.forEach(fn), promise["catch"](x => {}));
/******/ 		module.exports = promise;
/******/ 		body((deps) => {
/******/ 			currentDeps = wrapDeps(deps);
/******/ 			var fn;
/******/ 			var getResult = () => (currentDeps.map((d) => {
/******/ 				if(d[webpackError]) throw d[webpackError];
/******/ 				return d[webpackExports];
/******/ 			}))
/******/ 			var promise = new Promise((resolve) => {
/******/ 				fn = () => (resolve(getResult));
/******/ 				fn.r = 0;
/******/ 				var fnQueue = (q) => (q !== queue && !depQueues.has(q) && (depQueues.add(q), q && !q.d && (fn.r++, q.push(fn))));
/******/ 				currentDeps.map((dep) => (dep[webpackQueues](fnQueue)));
/******/ 			});
/******/ 			return fn.r ? promise : getResult();
/******/ 		}, (err) => ((err ? reject(promise[webpackError] = err) : outerResolve(exports)), resolveQueue(queue)));
/******/ 		queue && queue.d < 0 && (queue.d = 0);
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/compat get default export */
/******/ (() => {
/******/ 	// getDefaultExport function for compatibility with non-harmony modules
/******/ 	__nccwpck_require__.n = (module) => {
/******/ 		var getter = module && module.__esModule ?
/******/ 			() => (module['default']) :
/******/ 			() => (module);
/******/ 		__nccwpck_require__.d(getter, { a: getter });
/******/ 		return getter;
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/create fake namespace object */
/******/ (() => {
/******/ 	var getProto = Object.getPrototypeOf ? (obj) => (Object.getPrototypeOf(obj)) : (obj) => (obj.__proto__);
/******/ 	var leafPrototypes;
/******/ 	// create a fake namespace object
/******/ 	// mode & 1: value is a module id, require it
/******/ 	// mode & 2: merge all properties of value into the ns
/******/ 	// mode & 4: return value when already ns object
/******/ 	// mode & 16: return value when it's Promise-like
/******/ 	// mode & 8|1: behave like require
/******/ 	__nccwpck_require__.t = function(value, mode) {
/******/ 		if(mode & 1) value = this(value);
/******/ 		if(mode & 8) return value;
/******/ 		if(typeof value === 'object' && value) {
/******/ 			if((mode & 4) && value.__esModule) return value;
/******/ 			if((mode & 16) && typeof value.then === 'function') return value;
/******/ 		}
/******/ 		var ns = Object.create(null);
/******/ 		__nccwpck_require__.r(ns);
/******/ 		var def = {};
/******/ 		leafPrototypes = leafPrototypes || [null, getProto({}), getProto([]), getProto(getProto)];
/******/ 		for(var current = mode & 2 && value; typeof current == 'object' && !~leafPrototypes.indexOf(current); current = getProto(current)) {
/******/ 			Object.getOwnPropertyNames(current).forEach((key) => (def[key] = () => (value[key])));
/******/ 		}
/******/ 		def['default'] = () => (value);
/******/ 		__nccwpck_require__.d(ns, def);
/******/ 		return ns;
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/define property getters */
/******/ (() => {
/******/ 	// define getter functions for harmony exports
/******/ 	__nccwpck_require__.d = (exports, definition) => {
/******/ 		for(var key in definition) {
/******/ 			if(__nccwpck_require__.o(definition, key) && !__nccwpck_require__.o(exports, key)) {
/******/ 				Object.defineProperty(exports, key, { enumerable: true, get: definition[key] });
/******/ 			}
/******/ 		}
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/ensure chunk */
/******/ (() => {
/******/ 	__nccwpck_require__.f = {};
/******/ 	// This file contains only the entry chunk.
/******/ 	// The chunk loading function for additional chunks
/******/ 	__nccwpck_require__.e = (chunkId) => {
/******/ 		return Promise.all(Object.keys(__nccwpck_require__.f).reduce((promises, key) => {
/******/ 			__nccwpck_require__.f[key](chunkId, promises);
/******/ 			return promises;
/******/ 		}, []));
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/get javascript chunk filename */
/******/ (() => {
/******/ 	// This function allow to reference async chunks
/******/ 	__nccwpck_require__.u = (chunkId) => {
/******/ 		// return url for filenames based on template
/******/ 		return "" + chunkId + ".index.js";
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/hasOwnProperty shorthand */
/******/ (() => {
/******/ 	__nccwpck_require__.o = (obj, prop) => (Object.prototype.hasOwnProperty.call(obj, prop))
/******/ })();
/******/ 
/******/ /* webpack/runtime/make namespace object */
/******/ (() => {
/******/ 	// define __esModule on exports
/******/ 	__nccwpck_require__.r = (exports) => {
/******/ 		if(typeof Symbol !== 'undefined' && Symbol.toStringTag) {
/******/ 			Object.defineProperty(exports, Symbol.toStringTag, { value: 'Module' });
/******/ 		}
/******/ 		Object.defineProperty(exports, '__esModule', { value: true });
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/node module decorator */
/******/ (() => {
/******/ 	__nccwpck_require__.nmd = (module) => {
/******/ 		module.paths = [];
/******/ 		if (!module.children) module.children = [];
/******/ 		return module;
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/compat */
/******/ 
/******/ if (typeof __nccwpck_require__ !== 'undefined') __nccwpck_require__.ab = new URL('.', import.meta.url).pathname.slice(import.meta.url.match(/^file:\/\/\/\w:/) ? 1 : 0, -1) + "/";
/******/ 
/******/ /* webpack/runtime/import chunk loading */
/******/ (() => {
/******/ 	// no baseURI
/******/ 	
/******/ 	// object to store loaded and loading chunks
/******/ 	// undefined = chunk not loaded, null = chunk preloaded/prefetched
/******/ 	// [resolve, Promise] = chunk loading, 0 = chunk loaded
/******/ 	var installedChunks = {
/******/ 		792: 0
/******/ 	};
/******/ 	
/******/ 	var installChunk = (data) => {
/******/ 		var {ids, modules, runtime} = data;
/******/ 		// add "modules" to the modules object,
/******/ 		// then flag all "ids" as loaded and fire callback
/******/ 		var moduleId, chunkId, i = 0;
/******/ 		for(moduleId in modules) {
/******/ 			if(__nccwpck_require__.o(modules, moduleId)) {
/******/ 				__nccwpck_require__.m[moduleId] = modules[moduleId];
/******/ 			}
/******/ 		}
/******/ 		if(runtime) runtime(__nccwpck_require__);
/******/ 		for(;i < ids.length; i++) {
/******/ 			chunkId = ids[i];
/******/ 			if(__nccwpck_require__.o(installedChunks, chunkId) && installedChunks[chunkId]) {
/******/ 				installedChunks[chunkId][0]();
/******/ 			}
/******/ 			installedChunks[ids[i]] = 0;
/******/ 		}
/******/ 	
/******/ 	}
/******/ 	
/******/ 	__nccwpck_require__.f.j = (chunkId, promises) => {
/******/ 			// import() chunk loading for javascript
/******/ 			var installedChunkData = __nccwpck_require__.o(installedChunks, chunkId) ? installedChunks[chunkId] : undefined;
/******/ 			if(installedChunkData !== 0) { // 0 means "already installed".
/******/ 	
/******/ 				// a Promise means "currently loading".
/******/ 				if(installedChunkData) {
/******/ 					promises.push(installedChunkData[1]);
/******/ 				} else {
/******/ 					if(true) { // all chunks have JS
/******/ 						// setup Promise in chunk cache
/******/ 						var promise = import("./" + __nccwpck_require__.u(chunkId)).then(installChunk, (e) => {
/******/ 							if(installedChunks[chunkId] !== 0) installedChunks[chunkId] = undefined;
/******/ 							throw e;
/******/ 						});
/******/ 						var promise = Promise.race([promise, new Promise((resolve) => (installedChunkData = installedChunks[chunkId] = [resolve]))])
/******/ 						promises.push(installedChunkData[1] = promise);
/******/ 					}
/******/ 				}
/******/ 			}
/******/ 	};
/******/ 	
/******/ 	// no prefetching
/******/ 	
/******/ 	// no preloaded
/******/ 	
/******/ 	// no external install chunk
/******/ 	
/******/ 	// no on chunks loaded
/******/ })();
/******/ 
/************************************************************************/
/******/ 
/******/ // startup
/******/ // Load entry module and return exports
/******/ // This entry module used 'module' so it can't be inlined
/******/ var __webpack_exports__ = __nccwpck_require__(79407);
/******/ __webpack_exports__ = await __webpack_exports__;
/******/ 

//# sourceMappingURL=index.js.map