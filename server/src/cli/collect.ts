// Which files `lint` and `inspect` read: the named files, and what folder walks find. A walk never
// stops at one bad entry: unreadable folders and dangling links are reported and the rest is read.
import { readdirSync, realpathSync, statSync, type Stats } from 'node:fs';
import { join } from 'node:path';

import { SKIPPED_DIRECTORIES } from '../core/workspace/folders';

export interface Collected {
  /** Each file once (by its real path, so a link and its target count once); `-` for stdin. */
  readonly files: string[];
  /** Entries that could not be read: `path: reason`. The run ends with exit code 2. */
  readonly problems: string[];
  /** Entries skipped on purpose (FIFOs, devices): `path: reason`. */
  readonly notes: string[];
}

export function collectFiles(inputs: readonly string[], pattern: RegExp): Collected {
  const collected: Collected = { files: [], problems: [], notes: [] };
  const seen = new Set<string>();
  const add = (path: string) => {
    const real = realPath(path);
    if (!seen.has(real)) collected.files.push(path);
    seen.add(real);
  };
  const visited = new Set<string>();
  for (const input of inputs) {
    if (input === '-') {
      add('-');
      continue;
    }
    const stats = statOrReport(input, collected);
    if (stats?.isDirectory()) walk(input, pattern, collected, visited, add);
    // A named file is read whatever it is, so `lint <(helm template .)` works.
    else if (stats) add(input);
  }
  return collected;
}

function walk(directory: string, pattern: RegExp, collected: Collected, visited: Set<string>, add: (path: string) => void): void {
  // Linked folders are followed, once each: a link back up the tree ends there.
  const real = realPath(directory);
  if (visited.has(real)) return;
  visited.add(real);
  let names: string[];
  try {
    names = readdirSync(directory).sort((a, b) => a.localeCompare(b));
  } catch (error) {
    collected.problems.push(`${directory}: ${reason(error)}`);
    return;
  }
  for (const name of names) {
    const path = join(directory, name);
    const matches = pattern.test(name);
    // Only entries that could be linted are worth a message when they cannot be read.
    const stats = matches ? statOrReport(path, collected) : statOrUndefined(path);
    if (stats?.isDirectory()) {
      if (!SKIPPED_DIRECTORIES.has(name)) walk(path, pattern, collected, visited, add);
    } else if (stats && matches) {
      // Reading a FIFO with no writer would hang the run.
      if (stats.isFile()) add(path);
      else collected.notes.push(`${path}: skipped, not a regular file`);
    }
  }
}

/** Pipes such as /dev/fd/63 (`<(…)`) have no real path: they stand for themselves. */
function realPath(path: string): string {
  if (path === '-') return path;
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

function statOrReport(path: string, collected: Collected): Stats | undefined {
  try {
    return statSync(path);
  } catch (error) {
    collected.problems.push(`${path}: ${reason(error)}`);
    return undefined;
  }
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** "permission denied", "no such file or directory (a dangling link?)": the errno's meaning, no stack. */
export function reason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOENT':
      return 'no such file or directory (or a link to one)';
    case 'ELOOP':
      return 'too many levels of symbolic links';
    case 'EISDIR':
      return 'is a folder';
    default:
      return (error as Error).message;
  }
}
