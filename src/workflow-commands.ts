/**
 * The few runner interactions needed before the main module is loaded: reading an input,
 * masking a secret, and failing the step. @actions/core writes exactly these lines, but
 * importing it also loads its OIDC HTTP client (about 1 MB of bundle), which alone made a run
 * with a bad input take 2.3 times as long as `node -e 0`. Everything after validation uses
 * @actions/core.
 */
import { EOL } from 'node:os';

/** As core.getInput: INPUT_<NAME> with spaces as underscores, trimmed; '' when unset. */
export function getInput(name: string): string {
  return (process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
}

export function setSecret(secret: string): void {
  issue('add-mask', secret);
}

export function info(message: string): void {
  process.stdout.write(message + EOL);
}

export function isDebug(): boolean {
  return process.env.RUNNER_DEBUG === '1';
}

export function debug(message: string): void {
  issue('debug', message);
}

/** As core.setFailed: an error annotation, and exit code 1 once the process ends. */
export function setFailed(message: string): void {
  process.exitCode = 1;
  issue('error', message);
}

/**
 * Resolves once everything written to stdout so far has reached the reader's end, or after
 * `limitMs`. A pipe takes what fits its buffer at once and queues the rest in the process (on
 * Linux and macOS; Windows writes a TTY so too): process.exit() drops that queue, the
 * ::error:: line with it, unless the event loop has run until it drained.
 */
export function flushStdout(
  stream: Pick<NodeJS.WritableStream, 'write'> = process.stdout,
  limitMs = 5_000,
): Promise<void> {
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

function issue(command: string, message: string): void {
  const escaped = message.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A');
  process.stdout.write(`::${command}::${escaped}${EOL}`);
}
