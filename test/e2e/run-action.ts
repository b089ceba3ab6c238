import { execFileSync, spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';

export const DIST = resolve(import.meta.dirname, '../../dist/index.js');

/**
 * A node on PATH older than the one running the tests, from the oldest line the action
 * supports (package.json engines) up to 23, such as the system's Node 20 beside the Node 24
 * that npm scripts put first. Undefined when there is none.
 */
export function findOlderNode(): string | undefined {
  const running = Number(process.versions.node.split('.')[0]);
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, 'node');
    try {
      accessSync(candidate, constants.X_OK);
      const version = execFileSync(candidate, ['--version'], { encoding: 'utf8' }).trim();
      const major = Number(/^v(\d+)\./.exec(version)?.[1]);
      if (major >= 20 && major <= 23 && major < running) return candidate;
    } catch {
      // Not there, or not a node we can run.
    }
  }
  return undefined;
}

export interface ActionRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** What the action wrote to $GITHUB_OUTPUT. */
  outputs: Record<string, string>;
  /** What the action wrote to $GITHUB_STEP_SUMMARY. */
  summary: string;
  /** The runner-like directories of this run. */
  dirs: { temp: string; workspace: string };
  durationMs: number;
}

export interface RunOptions {
  env?: Record<string, string>;
  /** Called once the child is running, e.g. to send it a signal. */
  onStart?: (child: ReturnType<typeof spawn>) => void;
  /** Called with each chunk of stdout as it arrives. */
  onStdout?: (text: string, child: ReturnType<typeof spawn>) => void;
  /** The node binary; default the one running the tests. */
  node?: string | undefined;
}

/**
 * Runs the bundled action as the runner does: a node process with INPUT_* variables and the
 * files it writes outputs and the summary to. The environment is built from scratch, so no
 * proxy or token of the developer's machine leaks in.
 */
export function runAction(
  inputs: Record<string, string>,
  options: RunOptions = {},
): Promise<ActionRun> {
  const root = mkdtempSync(join(tmpdir(), 'action-run-'));
  runRoots.push(root);
  const dirs = { temp: join(root, 'temp'), workspace: join(root, 'workspace') };
  const outputFile = join(root, 'output');
  const summaryFile = join(root, 'summary');
  writeFileSync(outputFile, '');
  writeFileSync(summaryFile, '');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    RUNNER_TEMP: dirs.temp,
    GITHUB_WORKSPACE: dirs.workspace,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    ...Object.fromEntries(
      Object.entries(inputs).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value]),
    ),
    ...options.env,
  };
  const started = performance.now();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(options.node ?? process.execPath, [DIST], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      stdout += text;
      options.onStdout?.(text, child);
    });
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      stderr += text;
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      resolvePromise({
        code,
        signal,
        stdout,
        stderr,
        outputs: parseOutputFile(readFileSync(outputFile, 'utf8')),
        summary: readFileSync(summaryFile, 'utf8'),
        dirs,
        durationMs: performance.now() - started,
      });
    });
    options.onStart?.(child);
  });
}

const runRoots: string[] = [];

/** Deletes the directories of every run so far (downloads included): call it after each test. */
export function removeRunDirectories(): void {
  for (const root of runRoots.splice(0)) rmSync(root, { recursive: true, force: true });
}

/** Reads the `name<<DELIMITER` ... `DELIMITER` blocks that @actions/core writes. */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const match = /^([^<]+)<<(.+)$/.exec(lines[i] ?? '');
    if (match === null) continue;
    const [, name = '', delimiter] = match;
    const value: string[] = [];
    for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i] ?? '');
    outputs[name] = value.join('\n');
  }
  return outputs;
}

/** The one `::error::` line the action prints on failure, without its prefix. */
export function errorLines(run: ActionRun): string[] {
  return run.stdout
    .split('\n')
    .filter((line) => line.startsWith('::error::'))
    .map((line) => line.slice('::error::'.length).replaceAll('%0A', '\n').replaceAll('%25', '%'));
}

/** The inputs of a run against the Atlas emulator with its service account, plus `extra`. */
export function emulatorInputs(
  atlas: { url: string; groupId: string; credentials: { clientId: string; clientSecret: string } },
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    'group-id': atlas.groupId,
    'cluster-name': 'flex-cluster',
    'client-id': atlas.credentials.clientId,
    'client-secret': atlas.credentials.clientSecret,
    'atlas-base-url': atlas.url,
    ...extra,
  };
}
