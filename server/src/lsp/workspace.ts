// Keeps the workspace index current: a scan of the workspace folders at start, files changed on
// disk (watched by the client), and open documents, whose live text wins over the disk.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { minimatch } from 'minimatch';
import { FileChangeType, type FileEvent } from 'vscode-languageserver';
import type { Analysis } from '../core/engine';
import { indexObjects, WorkspaceIndex } from '../core/workspace/index';
import { SKIPPED_DIRECTORIES } from '../core/workspace/folders';

export interface ScanOptions {
  readonly enabled: boolean;
  readonly maxFiles: number;
  readonly maxFileSize: number;
  /** `files.exclude` patterns that are switched on. */
  readonly exclude: readonly string[];
}

// `files.exclude` can hide more.
const ALWAYS_SKIPPED = SKIPPED_DIRECTORIES;
const YAML = /\.ya?ml$/i;

export class WorkspaceIndexer {
  readonly index = new WorkspaceIndex();
  private readonly open = new Set<string>();
  private options: ScanOptions = { enabled: true, maxFiles: 5000, maxFileSize: 5 * 1024 * 1024, exclude: [] };
  private roots: string[] = [];
  /** Set when the scan stopped at maxFiles, for the log. */
  truncated = false;

  constructor(private readonly log: (message: string) => void) {}

  setRoots(uris: readonly string[]): void {
    this.roots = uris.filter((u) => u.startsWith('file:')).map((u) => fileURLToPath(u));
  }

  /** Indexes every YAML file under the workspace folders. Yields between files. */
  async scan(options: ScanOptions): Promise<number> {
    this.options = options;
    if (!options.enabled) return 0;
    let count = 0;
    this.truncated = false;
    for (const root of this.roots) {
      for await (const path of this.walk(root, root)) {
        if (count >= options.maxFiles) {
          this.truncated = true;
          this.log(`workspace index: stopped at trustwright.workspace.maxFiles (${options.maxFiles}) files`);
          return count;
        }
        await this.indexPath(path);
        count++;
        if (count % 50 === 0) await new Promise((resolve) => setImmediate(resolve));
      }
    }
    return count;
  }

  private async *walk(root: string, directory: string): AsyncGenerator<string> {
    let entries;
    try {
      entries = await readdir(directory, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(directory, entry.name);
      if (this.excluded(root, path)) continue;
      if (entry.isDirectory()) {
        if (!ALWAYS_SKIPPED.has(entry.name)) yield* this.walk(root, path);
      } else if (entry.isFile() && YAML.test(entry.name)) {
        yield path;
      }
    }
  }

  private excluded(root: string, path: string): boolean {
    const rel = relative(root, path).split('\\').join('/');
    return this.options.exclude.some((pattern) => minimatch(rel, pattern, { dot: true }));
  }

  private async indexPath(path: string): Promise<boolean> {
    const uri = pathToFileURL(path).href;
    if (this.open.has(uri)) return false;
    try {
      const info = await stat(path);
      if (info.size > this.options.maxFileSize) return this.index.remove(uri);
      return this.index.setText(uri, await readFile(path, 'utf8'));
    } catch {
      return this.index.remove(uri);
    }
  }

  /** Files changed on disk; true when the index changed. */
  async changed(events: readonly FileEvent[]): Promise<boolean> {
    let changed = false;
    for (const event of events) {
      if (!YAML.test(event.uri) || !event.uri.startsWith('file:') || this.open.has(event.uri)) continue;
      if (event.type === FileChangeType.Deleted) changed = this.index.remove(event.uri) || changed;
      else if (this.options.enabled) changed = (await this.indexPath(fileURLToPath(event.uri))) || changed;
    }
    return changed;
  }

  /** An open document's objects, from the analysis of its current text; true when they changed. */
  opened(uri: string, analysis: Analysis): boolean {
    this.open.add(uri);
    return this.index.setObjects(uri, indexObjects(uri, analysis.file, analysis.resources));
  }

  /** A closed document goes back to what is on disk (unsaved edits are gone). */
  async closed(uri: string): Promise<boolean> {
    this.open.delete(uri);
    if (!uri.startsWith('file:') || !this.options.enabled) return this.index.remove(uri);
    return this.indexPath(fileURLToPath(uri));
  }
}
