// `npm run demo`: the bundled action, end to end, against the local Atlas emulator and a local
// artifact service. No configuration and no network: everything listens on 127.0.0.1 and is
// stopped at the end.
//
//   npm run demo                              a Flex cluster
//   npm run demo -- --cluster dedicated       a dedicated (M10) replica set, through Cloud Backup
//   npm run demo -- --cluster sharded         a dedicated sharded cluster: one file per shard
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DIST, removeRunDirectories, runAction } from '../test/e2e/run-action.ts';
import { startArtifactService } from '../test/emulator/artifact.ts';
import { startAtlasEmulator } from '../test/emulator/atlas.ts';

const SNAPSHOT_SIZE = 8 * 1024 * 1024;
const CLUSTERS = {
  flex: 'flex-cluster',
  dedicated: 'dedicated-cluster',
  sharded: 'sharded-cluster',
} as const;
const { values } = parseArgs({ options: { cluster: { type: 'string', default: 'flex' } } });
const kind = values.cluster as keyof typeof CLUSTERS;
if (!(kind in CLUSTERS)) {
  console.error(`--cluster must be one of ${Object.keys(CLUSTERS).join(', ')}, not '${kind}'.`);
  process.exit(2);
}
const clusterName = CLUSTERS[kind];
const bold = (text: string): string => (process.stdout.isTTY ? `\x1b[1m${text}\x1b[0m` : text);

if (!existsSync(DIST)) {
  console.error('dist/index.js is missing: run `npm run bundle` first.');
  process.exit(1);
}

const atlas = await startAtlasEmulator({ snapshotSize: SNAPSHOT_SIZE });
const artifacts = await startArtifactService();
try {
  const file = await atlas.snapshotFile();
  console.log(bold('Atlas emulator'), atlas.url, `(project ${atlas.groupId})`);
  console.log(bold('Artifact service'), artifacts.resultsUrl);
  console.log(
    bold('Snapshot'),
    `${(file.size / 1024 / 1024).toFixed(1)} MiB .tar.gz of a mongod data directory\n`,
  );
  console.log(
    bold('$ node dist/index.js'),
    `(delivery: artifact, service account, cluster ${clusterName}, cluster-type auto)\n`,
  );

  const run = await runAction(
    {
      'group-id': atlas.groupId,
      'cluster-name': clusterName,
      'client-id': atlas.credentials.clientId,
      'client-secret': atlas.credentials.clientSecret,
      'atlas-base-url': atlas.url,
      'retention-days': '7',
    },
    { env: artifacts.env, onStdout: (text) => process.stdout.write(indent(runnerLog(text))) },
  );

  console.log(`\n${bold('Exit code')} ${run.code}`);
  console.log(`\n${bold('Outputs')} ($GITHUB_OUTPUT)`);
  const width = Math.max(...Object.keys(run.outputs).map((name) => name.length));
  for (const [name, value] of Object.entries(run.outputs)) {
    const shown =
      name === 'snapshot-url'
        ? value
            .split('\n')
            .map((url) => `${url.slice(0, 48)}… (masked in a real run)`)
            .join(`\n  ${' '.repeat(width)}  `)
        : name === 'files'
          ? `${value.slice(0, 100)}…`
          : value;
    console.log(`  ${name.padEnd(width)}  ${shown}`);
  }
  console.log(`\n${bold('Job summary')} ($GITHUB_STEP_SUMMARY)`);
  console.log(indent(renderSummary(run.summary)));
  const stored = [...artifacts.artifacts.values()].find(
    (a) => String(a.id) === run.outputs['artifact-id'],
  );
  // What Atlas served: the Flex file, or the files of the Cloud Backup job that delivered.
  const jobId = run.outputs['restore-job-id'] ?? '';
  const served =
    kind === 'flex' ? [file.sha256] : (await atlas.restoreFiles(jobId)).map((f) => f.file.sha256);
  const received = JSON.parse(run.outputs.files ?? '[]') as { name: string; sha256: string }[];
  if (stored !== undefined) {
    console.log(
      `${bold('Artifact')} '${stored.name}', ${stored.size} bytes, sha256 ${stored.sha256}`,
    );
    console.log(`  stored by the local artifact service at ${stored.path}`);
  }
  const same =
    received.length === served.length && received.every((f, i) => f.sha256 === served[i]);
  for (const f of received) console.log(`  ${f.name}  sha256 ${f.sha256}`);
  console.log(`  Every file's SHA-256 matches what Atlas served: ${same ? 'yes' : 'NO'}`);
  process.exitCode = run.code === 0 && stored !== undefined && same ? 0 : 1;
} finally {
  await artifacts.close();
  await atlas.close();
  removeRunDirectories();
}

/** Renders the runner's workflow commands the way the Actions log shows them. */
function runnerLog(text: string): string {
  return text
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::') && !line.startsWith('::debug::'))
    .map((line) =>
      line
        .replace(/^::group::(.*)$/, (_, title: string) => bold(`▸ ${title}`))
        .replace(/^::endgroup::$/, '')
        .replace(
          /^::(error|warning)::(.*)$/,
          (_, kind: string, message: string) => `${kind.toUpperCase()}: ${message}`,
        ),
    )
    .join('\n');
}

/** The markdown summary as aligned text: headings bold, table rows as `name  value`. */
function renderSummary(markdown: string): string {
  const rows = markdown
    .split('\n')
    .map((line) => /^\| (.+?) \| (.+) \|$/.exec(line))
    .filter(
      (match): match is RegExpExecArray =>
        match !== null && !/^-+$/.test(match[1] ?? '') && match[1] !== '',
    )
    .map((match) => [
      match[1] ?? '',
      (match[2] ?? '').replace(/`/g, '').replace(/\[(.+?)\]\((.+?)\)/g, '$1 <$2>'),
    ]);
  const width = Math.max(...rows.map(([name]) => (name ?? '').length));
  const heading = /<h\d>(.*?)<\/h\d>/.exec(markdown)?.[1] ?? '';
  return [
    bold(heading),
    ...rows.map(([name, value]) => `${(name ?? '').padEnd(width)}  ${value}`),
    '',
  ].join('\n');
}

function indent(text: string): string {
  return text.replace(/^(?=.)/gm, '  ');
}
