// Writing generated files: 0600 for private ones whatever the umask, nothing over an existing file
// (symlinks included) unless asked, and all or nothing when something fails.
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkOutputFolder, existingOutputs, OutputFolderError, OverwriteRefusedError, writeOutputFiles, type OutputFile } from '../../server/src/core/output-files';
import { Secret } from '../../server/src/core/pki/secret';

const FILES: OutputFile[] = [
  { path: 'ca.crt', contents: 'certificate\n' },
  { path: 'server.key', contents: new Secret('private\n'), private: true },
  { path: 'server.p12', contents: new Uint8Array([0x30, 0x82, 0x00]), private: true },
];

/** Every entry under `dir`, recursively, temporary files included. */
function tree(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: false }).map(String).sort();
}

describe('writeOutputFiles', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'trustwright-output-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes private files 0600 even under a permissive umask, public ones by the umask', () => {
    const previous = process.umask(0o000);
    try {
      const written = writeOutputFiles(join(dir, 'out'), FILES, { overwrite: false });
      assert.deepEqual(
        written.map((f) => [f.path.slice(dir.length + 1), f.mode, f.private]),
        [
          ['out/ca.crt', 0o644, false],
          ['out/server.key', 0o600, true],
          ['out/server.p12', 0o600, true],
        ],
      );
      for (const f of written) assert.equal(statSync(f.path).mode & 0o777, f.mode);
    } finally {
      process.umask(previous);
    }
    assert.equal(readFileSync(join(dir, 'out', 'server.key'), 'utf8'), 'private\n');
    assert.deepEqual([...readFileSync(join(dir, 'out', 'server.p12'))], [0x30, 0x82, 0x00]);
  });

  it('creates a missing output folder readable by its owner only when it will hold private files', () => {
    writeOutputFiles(join(dir, 'keys'), FILES, { overwrite: false });
    assert.equal(statSync(join(dir, 'keys')).mode & 0o777, 0o700);
    writeOutputFiles(join(dir, 'manifests'), [{ path: 'bundles/a.yaml', contents: 'a: 1\n' }], { overwrite: false });
    assert.equal(statSync(join(dir, 'manifests')).mode & 0o077, 0o755 & 0o077 & ~process.umask());
    assert.equal(readFileSync(join(dir, 'manifests', 'bundles', 'a.yaml'), 'utf8'), 'a: 1\n');
  });

  it('refuses to overwrite, names every existing file, and changes nothing', () => {
    mkdirSync(join(dir, 'out'));
    writeFileSync(join(dir, 'out', 'server.key'), 'old key\n', { mode: 0o600 });
    writeFileSync(join(dir, 'out', 'ca.crt'), 'old ca\n');
    assert.throws(
      () => writeOutputFiles(join(dir, 'out'), FILES, { overwrite: false }),
      (error) => error instanceof OverwriteRefusedError && error.existing.map((p) => p.slice(dir.length + 1)).join() === 'out/ca.crt,out/server.key',
    );
    assert.deepEqual(tree(join(dir, 'out')), ['ca.crt', 'server.key']);
    assert.equal(readFileSync(join(dir, 'out', 'server.key'), 'utf8'), 'old key\n');
  });

  it('counts a symlink, even a dangling one, as an existing file, and never writes through it', () => {
    mkdirSync(join(dir, 'out'));
    symlinkSync(join(dir, 'elsewhere.key'), join(dir, 'out', 'server.key'));
    assert.deepEqual(existingOutputs(join(dir, 'out'), FILES), [join(dir, 'out', 'server.key')]);
    assert.throws(() => writeOutputFiles(join(dir, 'out'), FILES, { overwrite: false }), OverwriteRefusedError);
    writeOutputFiles(join(dir, 'out'), FILES, { overwrite: true });
    assert.equal(existsSync(join(dir, 'elsewhere.key')), false, 'the link target was not written');
    assert.equal(statSync(join(dir, 'out', 'server.key')).mode & 0o777, 0o600);
  });

  it('overwrites when asked, replacing a key left with loose permissions by a 0600 one', () => {
    mkdirSync(join(dir, 'out'));
    writeFileSync(join(dir, 'out', 'server.key'), 'old\n', { mode: 0o644 });
    writeOutputFiles(join(dir, 'out'), FILES, { overwrite: true });
    assert.equal(readFileSync(join(dir, 'out', 'server.key'), 'utf8'), 'private\n');
    assert.equal(statSync(join(dir, 'out', 'server.key')).mode & 0o777, 0o600);
    assert.deepEqual(tree(join(dir, 'out')), ['ca.crt', 'server.key', 'server.p12']);
  });

  it('leaves nothing behind when a file cannot be written: no partial set, no temporary files, no new folders', () => {
    // `sub` exists as a file, so `sub/late.yaml` fails after ca.crt and server.key were staged.
    mkdirSync(join(dir, 'out'));
    writeFileSync(join(dir, 'out', 'sub'), 'in the way\n');
    const files = [...FILES, { path: 'deep/er/x.yaml', contents: 'x\n' }, { path: 'sub/late.yaml', contents: 'y\n' }];
    assert.throws(() => writeOutputFiles(join(dir, 'out'), files, { overwrite: false }));
    assert.deepEqual(tree(join(dir, 'out')), ['sub']);
  });

  it('removes an output folder it created when the write fails', () => {
    const files = [{ path: 'a.crt', contents: 'a\n' }, { path: 'a.crt/b', contents: 'b\n' }];
    assert.throws(() => writeOutputFiles(join(dir, 'new', 'out'), files, { overwrite: false }));
    assert.deepEqual(tree(dir), []);
  });

  it('refuses an output folder that is a file, and paths that leave the folder', () => {
    writeFileSync(join(dir, 'file'), '');
    assert.throws(() => checkOutputFolder(join(dir, 'file')), OutputFolderError);
    assert.throws(() => writeOutputFiles(join(dir, 'file'), FILES, { overwrite: false }), OutputFolderError);
    assert.throws(() => writeOutputFiles(join(dir, 'out'), [{ path: '../escape', contents: '' }], { overwrite: false }), OutputFolderError);
    assert.throws(() => writeOutputFiles(join(dir, 'out'), [{ path: '/etc/escape', contents: '' }], { overwrite: true }), OutputFolderError);
    assert.deepEqual(tree(dir), ['file']);
  });
});
