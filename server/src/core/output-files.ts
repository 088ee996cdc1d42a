// Writing what `generate` made: all files or none, never over an existing file unless asked, private
// keys with mode 0600. Every file is first written to a temporary name beside its target, then
// linked (no overwrite: link() fails on an existing name, so a file that appears meanwhile is not
// clobbered) or renamed (overwrite) into place. A failure removes what this call created.
import { closeSync, fchmodSync, fstatSync, fsyncSync, linkSync, lstatSync, mkdirSync, openSync, renameSync, rmdirSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, isAbsolute, join, normalize, resolve, sep } from 'node:path';
import type { Secret } from './pki/secret';

export interface OutputFile {
  /** Relative to the output folder, `/`-separated: `server.key`, `bundles/apps.yaml`. */
  readonly path: string;
  readonly contents: string | Uint8Array | Secret;
  /** A private key or password: mode 0600, and its contents never shown. */
  readonly private?: boolean;
}

export interface WrittenFile {
  readonly path: string;
  readonly mode: number;
  readonly private: boolean;
}

export const PRIVATE_MODE = 0o600;
export const PUBLIC_MODE = 0o644;
/** A folder created to hold private keys is readable by its owner only. */
const PRIVATE_DIRECTORY_MODE = 0o700;

/** The output folder cannot hold the files: it is a file, or a path leaves it. */
export class OutputFolderError extends Error {}

export class OverwriteRefusedError extends Error {
  constructor(readonly existing: readonly string[]) {
    super(`${existing.length === 1 ? 'a file exists' : `${existing.length} files exist`} already: ${existing.join(', ')}`);
  }
}

function target(directory: string, file: OutputFile): string {
  const relative = normalize(file.path);
  if (isAbsolute(relative) || relative.split(sep).includes('..')) throw new OutputFolderError(`output path ${file.path} leaves the output folder`);
  return join(directory, relative);
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/** Throws an OutputFolderError unless `directory` is a folder or does not exist yet. */
export function checkOutputFolder(directory: string): void {
  const root = resolve(directory);
  if (exists(root) && !statSync(root).isDirectory()) throw new OutputFolderError(`${root} is not a folder`);
}

/** The files of `files` that already exist in `directory` (symlinks count, even dangling ones). */
export function existingOutputs(directory: string, files: readonly OutputFile[]): string[] {
  const root = resolve(directory);
  return files.map((file) => target(root, file)).filter(exists);
}

function bytesOf(contents: OutputFile['contents']): Uint8Array {
  if (typeof contents === 'string') return Buffer.from(contents, 'utf8');
  if (contents instanceof Uint8Array) return contents;
  const revealed = contents.reveal();
  return typeof revealed === 'string' ? Buffer.from(revealed, 'utf8') : revealed;
}

/**
 * Creates `path` (with `mode`) and the missing folders above it (with the umask's default); returns
 * the ones it created, shallowest first.
 */
function makeDirectories(path: string, mode: number): string[] {
  const missing: string[] = [];
  for (let current = path; !exists(current); current = dirname(current)) missing.unshift(current);
  for (const directory of missing) mkdirSync(directory, { mode: directory === path ? mode : 0o777 });
  if (!statSync(path).isDirectory()) throw new OutputFolderError(`${path} is not a folder`);
  return missing;
}

export function writeOutputFiles(directory: string, files: readonly OutputFile[], options: { readonly overwrite: boolean }): WrittenFile[] {
  const root = resolve(directory);
  checkOutputFolder(root);
  if (!options.overwrite) {
    const existing = existingOutputs(root, files);
    if (existing.length > 0) throw new OverwriteRefusedError(existing);
  }

  const createdDirectories: string[] = [];
  const staged: { readonly temporary: string; readonly final: string; readonly file: OutputFile; readonly mode: number }[] = [];
  const committed: string[] = [];
  try {
    createdDirectories.push(...makeDirectories(root, files.some((f) => f.private) ? PRIVATE_DIRECTORY_MODE : 0o755));
    for (const file of files) {
      const final = target(root, file);
      createdDirectories.push(...makeDirectories(dirname(final), 0o777));
      const temporary = join(dirname(final), `.${basename(final)}.${randomBytes(6).toString('hex')}.tmp`);
      const mode = file.private ? PRIVATE_MODE : PUBLIC_MODE;
      // 'wx': fails rather than follow a symlink or reuse a file someone placed under this name.
      const fd = openSync(temporary, 'wx', mode);
      staged.push({ temporary, final, file, mode });
      try {
        // The umask may only have removed bits; private files get exactly 0600 whatever it is.
        if (file.private) fchmodSync(fd, PRIVATE_MODE);
        const bytes = bytesOf(file.contents);
        for (let offset = 0; offset < bytes.length; ) offset += writeSync(fd, bytes, offset);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    }

    for (const { temporary, final } of staged) {
      if (options.overwrite) renameSync(temporary, final);
      else {
        try {
          linkSync(temporary, final);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new OverwriteRefusedError([final]);
          throw error;
        }
        unlinkSync(temporary);
      }
      committed.push(final);
    }
  } catch (error) {
    // Limitation: with overwrite, a file already renamed over its old version cannot be restored;
    // the rename loop only fails on I/O errors after every file was staged successfully.
    if (!options.overwrite) for (const path of committed) unlinkQuietly(path);
    for (const { temporary } of staged) unlinkQuietly(temporary);
    for (const created of createdDirectories.reverse()) rmdirQuietly(created);
    throw error;
  }

  return staged.map(({ final, file }) => {
    const fd = openSync(final, 'r');
    try {
      return { path: final, mode: fstatSync(fd).mode & 0o777, private: file.private ?? false };
    } finally {
      closeSync(fd);
    }
  });
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

function rmdirQuietly(path: string): void {
  try {
    rmdirSync(path);
  } catch {
    // not empty or already gone: leave it
  }
}
