// Project configuration (.trustwright.yaml) and editor settings, turned into EngineSettings.
// Precedence: built-in defaults < editor settings < the project file, so that the editor and CI
// (which only sees the project file) report the same things.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, parse as parsePath } from 'node:path';
import { parse } from 'yaml';
import { SEVERITY_ORDER } from './findings';
import type { EngineSettings, RuleSeverity } from './settings';
import { parseGoDuration } from './rules/duration';

export const CONFIG_FILE = '.trustwright.yaml';

export interface ConfigProblem {
  readonly message: string;
}

export interface LoadedConfig {
  readonly settings: Partial<EngineSettings>;
  readonly problems: readonly ConfigProblem[];
  readonly path?: string;
}

function isSeverity(value: unknown): value is RuleSeverity {
  return value === 'off' || (typeof value === 'string' && value in SEVERITY_ORDER);
}

/** Validates a settings object from any source; unknown keys and bad values become problems. */
export function settingsFrom(raw: unknown, source: string): LoadedConfig {
  const problems: ConfigProblem[] = [];
  const settings: { -readonly [K in keyof EngineSettings]?: EngineSettings[K] } = {};
  if (raw === null || raw === undefined) return { settings, problems };
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    return { settings, problems: [{ message: `${source}: expected a mapping of settings` }] };
  }
  const value = raw as Record<string, unknown>;

  if (value.rules !== undefined) {
    if (!value.rules || typeof value.rules !== 'object' || Array.isArray(value.rules)) {
      problems.push({ message: `${source}: "rules" must map rule ids to error, warning, info, hint or off` });
    } else {
      const rules: Record<string, RuleSeverity> = {};
      for (const [id, severity] of Object.entries(value.rules)) {
        if (isSeverity(severity)) rules[id] = severity;
        else problems.push({ message: `${source}: rules.${id} must be error, warning, info, hint or off (got ${JSON.stringify(severity)})` });
      }
      settings.rules = rules;
    }
  }
  if (value.maxFileSize !== undefined) {
    if (typeof value.maxFileSize === 'number' && value.maxFileSize > 0) settings.maxFileSize = value.maxFileSize;
    else problems.push({ message: `${source}: maxFileSize must be a positive number of characters` });
  }
  for (const key of ['trustNamespace', 'clusterResourceNamespace'] as const) {
    if (value[key] === undefined) continue;
    if (typeof value[key] === 'string' && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(value[key] as string)) settings[key] = value[key] as string;
    else problems.push({ message: `${source}: ${key} must be a namespace name` });
  }
  for (const key of ['maxCaLifetime', 'leafLifetimeInfo', 'leafLifetimeWarning'] as const) {
    if (value[key] === undefined) continue;
    if (typeof value[key] === 'string' && parseGoDuration(value[key] as string).ok) settings[key] = value[key] as string;
    else problems.push({ message: `${source}: ${key} must be a duration such as 43800h` });
  }
  for (const [key, supported] of [
    ['certManagerVersion', ['1.21']],
    ['trustManagerVersion', ['0.24']],
  ] as const) {
    if (value[key] === undefined) continue;
    const version = String(value[key]).replace(/^v/, '').split('.').slice(0, 2).join('.');
    if ((supported as readonly string[]).includes(version)) settings[key] = version;
    else problems.push({ message: `${source}: ${key} ${String(value[key])} is not supported; Trustwright emulates ${supported.join(', ')}` });
  }
  if (value.expiryWarningDays !== undefined) {
    if (typeof value.expiryWarningDays === 'number' && value.expiryWarningDays >= 0) settings.expiryWarningDays = value.expiryWarningDays;
    else problems.push({ message: `${source}: expiryWarningDays must be a number of days (0 or more)` });
  }
  return { settings, problems };
}

/** Finds .trustwright.yaml in `directory` or the nearest parent. */
export function findConfig(directory: string): string | undefined {
  let current = directory;
  const { root } = parsePath(current);
  for (;;) {
    const candidate = join(current, CONFIG_FILE);
    if (existsSync(candidate)) return candidate;
    if (current === root) return undefined;
    const parent = dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
}

export function loadConfig(path: string): LoadedConfig {
  let raw: unknown;
  try {
    raw = parse(readFileSync(path, 'utf8'));
  } catch (error) {
    return { settings: {}, problems: [{ message: `${path}: ${(error as Error).message}` }], path };
  }
  return { ...settingsFrom(raw, path), path };
}

export function mergeSettings(...layers: readonly Partial<EngineSettings>[]): Partial<EngineSettings> {
  const merged: { -readonly [K in keyof EngineSettings]?: EngineSettings[K] } = {};
  for (const layer of layers) {
    if (layer.maxFileSize !== undefined) merged.maxFileSize = layer.maxFileSize;
    for (const key of ['expiryWarningDays', 'trustNamespace', 'clusterResourceNamespace', 'maxCaLifetime', 'leafLifetimeInfo', 'leafLifetimeWarning', 'certManagerVersion', 'trustManagerVersion'] as const) {
      if (layer[key] !== undefined) (merged as Record<string, unknown>)[key] = layer[key];
    }
    if (layer.rules) merged.rules = { ...merged.rules, ...layer.rules };
  }
  return merged;
}
