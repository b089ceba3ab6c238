/**
 * What may come out of a snapshot archive: the checks every entry passes before it is
 * extracted, so nothing lands, or points, outside the extraction directory.
 */
/** No setuid, setgid or sticky bits; the owner can always read and write what it unpacked. */
export function safeMode(type: string, mode: number): number {
  const base = mode & 0o777;
  return type === 'Directory' || type === 'GNUDumpDir' ? base | 0o700 : base | 0o600;
}

const ALLOWED_TYPES = new Set([
  'File',
  'OldFile',
  'ContiguousFile',
  'Directory',
  'GNUDumpDir',
  'SymbolicLink',
  'Link',
]);

/**
 * Decides, entry by entry in archive order, whether extracting it is safe. It keeps the
 * symlinks seen so far and every directory some entry passes through, so a link cannot be
 * used as a stepping stone in either order (link first, or path first and link later).
 */
export class EntryGuard {
  private readonly symlinks = new Set<string>();
  private readonly traversed = new Set<string>();

  /** Returns why the entry is unsafe, or undefined when it may be extracted. */
  check(type: string, path: string, linkpath: string | undefined): string | undefined {
    if (!ALLOWED_TYPES.has(type)) return `entry type ${type} is not allowed in a snapshot`;
    if (isAbsolute(path)) return 'the path is absolute';
    const own = this.walk(segments(path), false);
    if (typeof own !== 'object') return own;

    if (type === 'SymbolicLink' || type === 'Link') {
      if (linkpath === undefined || linkpath === '') return 'the link has no target';
      if (isAbsolute(linkpath)) return `the link points to the absolute path "${linkpath}"`;
      // A symlink's target is relative to its own directory, a hard link's to the archive root.
      const base = type === 'SymbolicLink' ? own.parent : [];
      const target = this.walk([...base, ...segments(linkpath)], type === 'SymbolicLink');
      if (typeof target !== 'object') return `the link target "${linkpath}": ${target}`;
    }
    if (type === 'SymbolicLink') {
      const key = keyOf(own.path);
      if (this.traversed.has(key)) {
        return 'a symlink would replace a directory that other entries go through';
      }
      this.symlinks.add(key);
    }
    return undefined;
  }

  /**
   * Follows path segments from the root. Every prefix that is stepped through (into a child,
   * or out with "..") must not be a symlink, and is remembered for later symlink entries.
   */
  private walk(
    parts: string[],
    allowDotDot: boolean,
  ): { path: string[]; parent: string[] } | string {
    const stack: string[] = [];
    for (const part of parts) {
      if (stack.length > 0) {
        const key = keyOf(stack);
        if (this.symlinks.has(key)) return `it goes through the symlink "${stack.join('/')}"`;
        this.traversed.add(key);
      }
      if (part === '..') {
        if (!allowDotDot) return 'the path contains ".."';
        if (stack.length === 0) return 'it leads outside the extraction directory';
        stack.pop();
      } else {
        stack.push(part);
      }
    }
    return { path: stack, parent: stack.slice(0, -1) };
  }
}

function isAbsolute(path: string): boolean {
  return path.startsWith('/') || path.startsWith('\\') || /^[a-zA-Z]:/.test(path);
}

function segments(path: string): string[] {
  return path.split(/[\\/]+/).filter((part) => part !== '' && part !== '.');
}

// Case-insensitive file systems (macOS, Windows runners) treat "A" and "a" as one name.
function keyOf(parts: string[]): string {
  return parts.join('/').normalize('NFD').toLowerCase();
}
