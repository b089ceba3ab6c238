/**
 * `npm run emulator`: the Atlas emulator on 127.0.0.1 for trying the action by hand.
 * Usage: node scripts/emulator.ts [--port 8793] [--snapshot-size <bytes>] [--polls <n>]
 */
import { parseArgs } from 'node:util';
import {
  type AtlasEmulator,
  type AtlasEmulatorOptions,
  startAtlasEmulator,
} from '../test/emulator/atlas.ts';

const PREFERRED_PORT = 8793;

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    'snapshot-size': { type: 'string' },
    polls: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});

if (values.help === true) {
  console.log(
    [
      'Usage: node scripts/emulator.ts [--port N] [--snapshot-size BYTES] [--polls N]',
      '  --port           API port (default: $PORT, else 8793 if free, else any free port)',
      '  --snapshot-size  size of the served .tar.gz in bytes (default 2 MiB)',
      '  --polls          download jobs answer PENDING, then RUNNING, for N polls each',
      '                   before COMPLETED (default 0: the POST answer has the URL)',
    ].join('\n'),
  );
  process.exit(0);
}

function integer(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d+$/.test(raw)) {
    console.error(`--${name} must be a whole number, got '${raw}'`);
    process.exit(2);
  }
  return Number(raw);
}

const explicitPort = integer('port', values.port ?? process.env.PORT);
const snapshotSize = integer('snapshot-size', values['snapshot-size']);
const polls = integer('polls', values.polls);

const options: AtlasEmulatorOptions = {};
if (snapshotSize !== undefined) options.snapshotSize = snapshotSize;
if (polls !== undefined && polls > 0) {
  options.jobSchedule = { urlInPostAnswer: false, pendingPolls: polls, runningPolls: polls };
}

async function start(): Promise<AtlasEmulator> {
  if (explicitPort !== undefined) return startAtlasEmulator({ ...options, port: explicitPort });
  try {
    return await startAtlasEmulator({ ...options, port: PREFERRED_PORT });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    return startAtlasEmulator(options);
  }
}

const atlas = await start();
const file = await atlas.snapshotFile();
const { clientId, clientSecret, publicKey, privateKey } = atlas.credentials;
const api = `${atlas.url}/api/atlas/v2/groups/${atlas.groupId}`;
const clusters = [...atlas.clusters.values()].map(
  (c) =>
    `${c.name} (${c.kind}${c.cloudBackup ? ` ${c.cloudBackup.instanceSize} ${c.cloudBackup.clusterType}` : ''}, ${(c.cloudBackup?.snapshots ?? c.snapshots).length} snapshots)`,
);
// Input names keep their hyphens (INPUT_GROUP-ID), which only `env` can set, not `export`.
const inputs = [
  `'INPUT_GROUP-ID=${atlas.groupId}'`,
  `'INPUT_CLUSTER-NAME=flex-cluster'`,
  `'INPUT_CLIENT-ID=${clientId}'`,
  `'INPUT_CLIENT-SECRET=${clientSecret}'`,
  `'INPUT_ATLAS-BASE-URL=${atlas.url}'`,
  `'INPUT_DELIVERY=file'`,
  `'RUNNER_TEMP=/tmp/atlas-emulator-demo'`,
];

console.log(
  [
    `Atlas emulator listening on ${atlas.url} (snapshot files on ${atlas.fileUrl}, one-time links on ${atlas.restoreUrl})`,
    '',
    `group id       ${atlas.groupId}`,
    `clusters       ${clusters.join('\n               ')}`,
    `snapshot file  ${file.size} bytes, sha256 ${file.sha256}`,
    '',
    'Service account (OAuth):',
    `  client-id      ${clientId}`,
    `  client-secret  ${clientSecret}`,
    'API key (HTTP Digest):',
    `  public-key     ${publicKey}`,
    `  private-key    ${privateKey}`,
    '',
    'Try it:',
    `  curl --digest -u '${publicKey}:${privateKey}' -H 'Accept: application/vnd.atlas.2024-11-13+json' \\`,
    `    '${api}/flexClusters/flex-cluster/backup/snapshots'`,
    `  curl -u '${clientId}:${clientSecret}' -d grant_type=client_credentials '${atlas.url}/api/oauth/token'`,
    '',
    'Run the bundled action against it:',
    `  env ${inputs.join(' \\\n      ')} \\\n      node dist/index.js`,
    '',
    'Ctrl-C stops it.',
  ].join('\n'),
);

let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: closing the emulator`);
  // Closing destroys open sockets too, so the process ends without a forced exit.
  atlas.close().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
