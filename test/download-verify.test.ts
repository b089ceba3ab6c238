import { describe, expect, it } from 'vitest';
import { EntryGuard } from '../src/archive-guard.ts';
import { describeBytes } from '../src/sink.ts';

describe('EntryGuard', () => {
  it('accepts an ordinary data directory', () => {
    const guard = new EntryGuard();
    expect(guard.check('Directory', './', undefined)).toBeUndefined();
    expect(guard.check('Directory', 'journal/', undefined)).toBeUndefined();
    expect(guard.check('File', 'journal/WiredTigerLog.0000000001', undefined)).toBeUndefined();
    expect(guard.check('File', './collection-0-123.wt', undefined)).toBeUndefined();
  });

  it('accepts links that stay inside', () => {
    const guard = new EntryGuard();
    expect(guard.check('File', 'data/a.wt', undefined)).toBeUndefined();
    expect(guard.check('SymbolicLink', 'data/b.wt', 'a.wt')).toBeUndefined();
    expect(guard.check('SymbolicLink', 'data/sub/c.wt', '../a.wt')).toBeUndefined();
    expect(guard.check('Link', 'd.wt', 'data/a.wt')).toBeUndefined();
  });

  it.each([
    ['an absolute path', 'File', '/etc/cron.d/x', undefined],
    ['a Windows drive path', 'File', 'C:\\Windows\\x', undefined],
    ['a backslash-rooted path', 'File', '\\share\\x', undefined],
    ['a .. segment', 'File', 'a/../../x', undefined],
    ['a backslash .. segment', 'File', 'a\\..\\..\\x', undefined],
    ['a symlink to an absolute path', 'SymbolicLink', 'passwd', '/etc/passwd'],
    ['a symlink climbing out', 'SymbolicLink', 'a/b', '../../x'],
    ['a hard link with ..', 'Link', 'x', 'a/../y'],
    ['a hard link to an absolute path', 'Link', 'x', '/etc/shadow'],
    ['a link without target', 'SymbolicLink', 'x', ''],
    ['a character device', 'CharacterDevice', 'null', undefined],
    ['a FIFO', 'FIFO', 'pipe', undefined],
  ])('rejects %s', (_what, type, path, linkpath) => {
    expect(new EntryGuard().check(type, path, linkpath)).toBeTypeOf('string');
  });

  it('rejects an entry written through an earlier symlink', () => {
    const guard = new EntryGuard();
    expect(guard.check('SymbolicLink', 'here', '.')).toBeUndefined();
    expect(guard.check('File', 'here/x', undefined)).toMatch(/symlink "here"/);
  });

  it('rejects a symlink whose target climbs out of another symlink', () => {
    // "a" -> "." is harmless alone, but "a/.." is then the parent of the extraction directory.
    const guard = new EntryGuard();
    expect(guard.check('SymbolicLink', 'a', '.')).toBeUndefined();
    expect(guard.check('SymbolicLink', 'b', 'a/..')).toMatch(/symlink "a"/);
  });

  it('rejects the same trick with the entries the other way round', () => {
    const guard = new EntryGuard();
    expect(guard.check('SymbolicLink', 'b', 'a/..')).toBeUndefined();
    expect(guard.check('SymbolicLink', 'a', '.')).toMatch(/replace a directory/);
  });

  it('rejects a symlink over a directory that earlier entries used', () => {
    const guard = new EntryGuard();
    expect(guard.check('File', 'journal/log', undefined)).toBeUndefined();
    expect(guard.check('SymbolicLink', 'journal', '.')).toBeTypeOf('string');
  });

  it('treats names case-insensitively, as macOS and Windows runners do', () => {
    const guard = new EntryGuard();
    expect(guard.check('SymbolicLink', 'Data', '.')).toBeUndefined();
    expect(guard.check('File', 'data/x', undefined)).toBeTypeOf('string');
  });
});

describe('describeBytes', () => {
  it('quotes text, collapsing whitespace and keeping at most 200 characters', () => {
    expect(describeBytes(Buffer.from('<html>\n  <body>Nope</body>\n</html>'))).toBe(
      '"<html> <body>Nope</body> </html>"',
    );
    expect(describeBytes(Buffer.from('x'.repeat(500)))).toHaveLength(202);
  });

  it('shows binary as hex', () => {
    expect(describeBytes(Buffer.from([0, 1, 2, 255, 254, 0, 0, 0]))).toBe('bytes 000102fffe000000');
  });

  it('lets the caller clean the text before it is cut', () => {
    const text = Buffer.from(`${'a'.repeat(190)}SECRETSIGNATURE`);
    expect(describeBytes(text, (t) => t.replaceAll('SECRETSIGNATURE', '***'))).not.toContain(
      'SECRET',
    );
  });
});
