// Engine settings per document: editor settings (workspace/configuration) merged with the nearest
// .trustwright.yaml, which wins so the editor agrees with CI.
import { fileURLToPath } from 'node:url';
import { dirname } from 'node:path';
import type { Connection } from 'vscode-languageserver';
import { findConfig, loadConfig, mergeSettings, settingsFrom, type LoadedConfig } from '../core/config';
import { withDefaults, type EngineSettings } from '../core/settings';

/** Settings that only change what the editor shows, not what the engine reports. */
export interface FaceSettings {
  readonly codeLens: boolean;
}

export class SettingsProvider {
  private editor: Promise<LoadedConfig> | undefined;
  private face: Promise<FaceSettings> | undefined;
  private readonly projectFiles = new Map<string, LoadedConfig | null>();
  private readonly reported = new Set<string>();

  constructor(
    private readonly connection: Connection,
    private readonly canAskClient: () => boolean,
  ) {}

  invalidate(): void {
    this.editor = undefined;
    this.face = undefined;
    this.projectFiles.clear();
  }

  async forDocument(uri: string): Promise<EngineSettings> {
    const editor = await this.editorSettings();
    const project = this.projectSettings(uri);
    for (const problem of [...editor.problems, ...(project?.problems ?? [])]) {
      if (this.reported.has(problem.message)) continue;
      this.reported.add(problem.message);
      this.connection.console.warn(`settings: ${problem.message}`);
    }
    return withDefaults(mergeSettings(editor.settings, project?.settings ?? {}));
  }

  faceSettings(): Promise<FaceSettings> {
    if (!this.face) {
      this.face = this.canAskClient()
        ? this.connection.workspace
            .getConfiguration('trustwright')
            .then((raw) => ({ codeLens: (raw as { codeLens?: { enable?: unknown } } | null)?.codeLens?.enable !== false }))
            .catch(() => ({ codeLens: true }))
        : Promise.resolve({ codeLens: true });
    }
    return this.face;
  }

  private editorSettings(): Promise<LoadedConfig> {
    if (!this.editor) {
      this.editor = this.canAskClient()
        ? this.connection.workspace
            .getConfiguration('trustwright')
            .then((raw) => settingsFrom(pick(raw), 'settings'))
            .catch(() => ({ settings: {}, problems: [] }))
        : Promise.resolve({ settings: {}, problems: [] });
    }
    return this.editor;
  }

  private projectSettings(uri: string): LoadedConfig | undefined {
    if (!uri.startsWith('file:')) return undefined;
    const directory = dirname(fileURLToPath(uri));
    if (!this.projectFiles.has(directory)) {
      const path = findConfig(directory);
      this.projectFiles.set(directory, path ? loadConfig(path) : null);
    }
    return this.projectFiles.get(directory) ?? undefined;
  }
}

const ENGINE_KEYS = [
  'expiryWarningDays',
  'trustNamespace',
  'clusterResourceNamespace',
  'maxCaLifetime',
  'leafLifetimeInfo',
  'leafLifetimeWarning',
  'certManagerVersion',
  'trustManagerVersion',
] as const;

/** The engine-relevant part of the `trustwright` settings section. */
function pick(raw: unknown): unknown {
  if (!raw || typeof raw !== 'object') return undefined;
  const { rules, maxFileSize, ...rest } = raw as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of ENGINE_KEYS) if (rest[key] !== undefined && rest[key] !== null && rest[key] !== '') out[key] = rest[key];
  if (rules && typeof rules === 'object' && Object.keys(rules).length > 0) out.rules = rules;
  if (maxFileSize !== undefined) out.maxFileSize = maxFileSize;
  return out;
}
