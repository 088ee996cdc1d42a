// `trustwright lint`: files, folders (recursively, *.yaml / *.yml) or `-` for stdin.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { analyze } from '../core/engine';
import type { Finding, Severity } from '../core/findings';
import { SEVERITY_ORDER } from '../core/findings';
import { findConfig, loadConfig, mergeSettings, type LoadedConfig } from '../core/config';
import type { EngineSettings } from '../core/settings';
import { WorkspaceIndex } from '../core/workspace/index';

export interface FileResult {
  readonly path: string;
  readonly findings: readonly Finding[];
  readonly objects: number;
}

export class UsageError extends Error {}

const SKIPPED_DIRECTORIES = new Set(['node_modules', '.git', '.vscode-test', 'dist']);

export function collectFiles(inputs: readonly string[], pattern = /\.ya?ml$/i): string[] {
  const files: string[] = [];
  for (const input of inputs) {
    if (input === '-') {
      files.push('-');
      continue;
    }
    let stats;
    try {
      stats = statSync(input);
    } catch {
      throw new UsageError(`${input}: no such file or directory`);
    }
    if (stats.isDirectory()) files.push(...walk(input, pattern));
    else files.push(input);
  }
  return files;
}

function walk(directory: string, pattern: RegExp): string[] {
  const found: string[] = [];
  const entries = readdirSync(directory, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRECTORIES.has(entry.name)) found.push(...walk(path, pattern));
    } else if (pattern.test(entry.name)) {
      found.push(path);
    }
  }
  return found;
}

export interface LintOptions {
  /** An explicit config file (--config); otherwise .trustwright.yaml is searched upward per file. */
  readonly configPath?: string;
  readonly readStdin: () => string;
  readonly warn: (message: string) => void;
}

export function lintFiles(files: readonly string[], options: LintOptions): FileResult[] {
  const explicit = options.configPath ? loadConfig(resolve(options.configPath)) : undefined;
  if (explicit && explicit.problems.length > 0 && explicit.problems.some((p) => /ENOENT/.test(p.message))) {
    throw new UsageError(`${options.configPath}: cannot read the config file`);
  }
  const configs = new Map<string, LoadedConfig | undefined>();
  const reported = new Set<string>();
  const settingsFor = (file: string): Partial<EngineSettings> => {
    let config = explicit;
    if (!config) {
      const directory = file === '-' ? process.cwd() : dirname(resolve(file));
      if (!configs.has(directory)) {
        const path = findConfig(directory);
        configs.set(directory, path ? loadConfig(path) : undefined);
      }
      config = configs.get(directory);
    }
    for (const problem of config?.problems ?? []) {
      if (!reported.has(problem.message)) options.warn(problem.message);
      reported.add(problem.message);
    }
    return mergeSettings(config?.settings ?? {});
  };

  // Every file is indexed first, so references between the linted files resolve in any order.
  const texts = files.map((path) => {
    try {
      return path === '-' ? options.readStdin() : readFileSync(path, 'utf8');
    } catch (error) {
      throw new UsageError(`${path}: ${(error as Error).message}`);
    }
  });
  const workspace = new WorkspaceIndex();
  files.forEach((path, i) => workspace.setText(path, texts[i]));

  return files.map((path, i) => {
    const analysis = analyze(texts[i], settingsFor(path), { uri: path, workspace });
    return { path, findings: analysis.findings, objects: analysis.objects.length };
  });
}

export function countBySeverity(results: readonly FileResult[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0, hint: 0 };
  for (const r of results) for (const f of r.findings) counts[f.severity]++;
  return counts;
}

export type FailOn = Severity | 'never';

export function shouldFail(results: readonly FileResult[], failOn: FailOn): boolean {
  if (failOn === 'never') return false;
  return results.some((r) => r.findings.some((f) => SEVERITY_ORDER[f.severity] <= SEVERITY_ORDER[failOn]));
}
