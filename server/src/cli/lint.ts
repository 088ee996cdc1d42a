// `trustwright lint`: files, folders (recursively: manifests and the PEM files the editor checks) or
// `-` for stdin.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { analyze, analyzePem } from '../core/engine';
import { PEM_FILE } from '../core/pem/sites';
import type { Finding, Severity } from '../core/findings';
import { SEVERITY_ORDER } from '../core/findings';
import { findConfig, loadConfig, mergeSettings, type LoadedConfig } from '../core/config';
import { DEFAULT_SETTINGS, type EngineSettings } from '../core/settings';
import { WorkspaceIndex } from '../core/workspace/index';
import { reason } from './collect';

/** What a folder walk lints: YAML manifests and standalone PEM files, as the editor checks them. */
export const LINTED_FILE = new RegExp(`\\.ya?ml$|${PEM_FILE.source}`, 'i');

export interface FileResult {
  readonly path: string;
  readonly findings: readonly Finding[];
  readonly objects: number;
}

export class UsageError extends Error {}

export interface LintOptions {
  /** An explicit config file (--config); otherwise .trustwright.yaml is searched upward per file. */
  readonly configPath?: string;
  readonly readStdin: () => string;
  readonly warn: (message: string) => void;
  /** A file that could not be read; it is left out and the others are linted. */
  readonly problem: (message: string) => void;
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
    // A terminal or CI job waits for a complete answer: ten seconds is the editor's budget (one file
    // must not hold up the others); here a file gets a minute, and stopping early is a warning.
    return { ...mergeSettings(config?.settings ?? {}), analysisBudgetMs: CLI_BUDGET_MS };
  };

  // Every file is read and indexed first, so references between the linted files resolve in any order.
  const read = files.flatMap((path) => {
    try {
      return [{ path, text: path === '-' ? options.readStdin() : readFileSync(path, 'utf8') }];
    } catch (error) {
      options.problem(`${path}: ${reason(error)}`);
      return [];
    }
  });
  const workspace = new WorkspaceIndex();
  // A file over the size limit gets a syntax check only, so it is not indexed (its full parse is what the limit avoids).
  for (const { path, text } of read) if (!PEM_FILE.test(path) && text.length <= (settingsFor(path).maxFileSize ?? DEFAULT_SETTINGS.maxFileSize)) workspace.setText(path, text);

  return read.map(({ path, text }) => {
    // The language server's choice for a standalone PEM file, so editor and CI agree.
    const analysis = PEM_FILE.test(path) ? analyzePem(text, settingsFor(path)) : analyze(text, settingsFor(path), { uri: path, workspace });
    return { path, findings: analysis.findings, objects: analysis.objects.length };
  });
}

/** How long `lint` checks one file before it stops and says so (file/time-budget). */
export const CLI_BUDGET_MS = 60_000;

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
