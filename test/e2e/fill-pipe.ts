/**
 * Loaded with --import into the bundled action: just before the ::error:: line, a megabyte the
 * stdout pipe cannot take at once, so that line and what follows wait in the process's queue,
 * as they do behind a slow reader on a macOS or Windows runner.
 */
const write = process.stdout.write.bind(process.stdout) as (chunk: string) => boolean;
let filled = false;
process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
  if (!filled && String(chunk).startsWith('::error::')) {
    filled = true;
    write(`${'.'.repeat(1 << 20)}\n`);
  }
  return (write as (chunk: string | Uint8Array, ...rest: never[]) => boolean)(chunk, ...rest);
}) as typeof process.stdout.write;
