import * as core from '@actions/core';
import type { ClusterKind } from './constants.ts';
import { formatBytes } from './progress.ts';

/** What the job summary tells: nothing secret (no URL, no credential). */
export interface SummaryFacts {
  clusterName: string;
  clusterKind: ClusterKind;
  snapshotId: string;
  restoreJobId: string;
  snapshotFinishedAt: string | undefined;
  mongodbVersion: string | undefined;
  expiresAt: string | undefined;
  delivery: string;
  size?: number;
  sha256?: string;
  path?: string;
  extractedTo?: string;
  /** A sharded cluster's files, one row each. */
  files?: { name: string; size: number; sha256: string }[];
  artifact?: { name: string; url: string };
}

const KIND_LABEL: Readonly<Record<ClusterKind, string>> = {
  flex: 'Flex',
  dedicated: 'dedicated',
  shared: 'shared tier',
};

/** The summary as rows, so tests and the terminal demo can read it without HTML. */
export function summaryRows(facts: SummaryFacts): [string, string][] {
  const rows: [string, string | undefined][] = [
    ['Cluster', `${facts.clusterName} (${KIND_LABEL[facts.clusterKind]})`],
    ['Snapshot', facts.snapshotId],
    ['Finished at', facts.snapshotFinishedAt],
    ['MongoDB version', facts.mongodbVersion],
    ['Download job', facts.restoreJobId],
    ['Delivery', facts.delivery],
    [
      'Size',
      facts.size === undefined
        ? undefined
        : `${formatBytes(facts.size)} (${groupThousands(facts.size)} bytes)`,
    ],
    ['SHA-256', facts.sha256 === undefined ? undefined : `\`${facts.sha256}\``],
    ['File', facts.path],
    ...(facts.files ?? []).map((file): [string, string] => [
      `\u2003${file.name}`,
      `${formatBytes(file.size)}, SHA-256 \`${file.sha256}\``,
    ]),
    ['Unpacked to', facts.extractedTo],
    [
      'Artifact',
      facts.artifact === undefined ? undefined : `[${facts.artifact.name}](${facts.artifact.url})`,
    ],
    ['URL expires at', facts.expiresAt],
  ];
  return rows.filter((row): row is [string, string] => row[1] !== undefined && row[1] !== '');
}

/**
 * 1073741824 -> "1,073,741,824". Not toLocaleString: its first call loads ICU's number
 * formatting, 7 MiB of resident memory at the very end of a run.
 */
export function groupThousands(value: number): string {
  return String(value).replace(/\B(?=(\d{3})+$)/g, ',');
}

export async function writeSummary(facts: SummaryFacts): Promise<void> {
  // Outside a runner there is no summary file; the outputs still stand.
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  const lines = summaryRows(facts).map(
    ([name, value]) => `| ${name} | ${value.replaceAll('|', '\\|')} |`,
  );
  await core.summary
    .addHeading('Atlas snapshot download', 3)
    .addRaw(['| | |', '| --- | --- |', ...lines].join('\n'), true)
    .write();
}
