// One analysis per document version: diagnostics, hover, completion, symbols and code actions all
// read the same cached result.
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { analyze, analyzePem, failedAnalysis, type Analysis } from '../core/engine';
import { PEM_FILE } from '../core/pem/sites';
import type { EngineSettings } from '../core/settings';
import type { WorkspaceIndex } from '../core/workspace/index';

interface Entry {
  readonly version: number;
  readonly settingsKey: string;
  /** The workspace index's changes to other files when this was computed. */
  readonly workspaceStamp: number;
  readonly analysis: Analysis;
}

/** YAML manifests, or PEM files (`.pem`, `.crt`, `.cer`) opened on their own. */
export function documentKind(document: TextDocument): 'yaml' | 'pem' | undefined {
  if (document.languageId === 'pem' || PEM_FILE.test(document.uri)) return 'pem';
  if (document.languageId === 'yaml' || /\.ya?ml$/i.test(document.uri)) return 'yaml';
  return undefined;
}

/**
 * Fault injection for the tests that prove one document's failure leaves the others alone: with
 * TRUSTWRIGHT_FAULT_INJECTION set, analysing a text that contains its value throws.
 */
function injectFault(text: string): void {
  const marker = process.env.TRUSTWRIGHT_FAULT_INJECTION;
  if (marker && text.includes(marker)) throw new Error('fault injected for testing');
}

export class AnalysisCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly onError: (uri: string, error: unknown) => void) {}

  get(document: TextDocument, settings: EngineSettings, workspace: WorkspaceIndex): Analysis {
    const settingsKey = JSON.stringify(settings);
    const workspaceStamp = workspace.stampExcept(document.uri);
    const cached = this.entries.get(document.uri);
    if (cached && cached.version === document.version && cached.settingsKey === settingsKey && cached.workspaceStamp === workspaceStamp) {
      return cached.analysis;
    }

    let analysis: Analysis;
    try {
      injectFault(document.getText());
      analysis =
        documentKind(document) === 'pem'
          ? analyzePem(document.getText(), settings)
          : analyze(document.getText(), settings, { uri: document.uri, workspace, previous: cached?.analysis });
    } catch (error) {
      // A failure on one document must not take the server down or block the others.
      this.onError(document.uri, error);
      analysis = failedAnalysis(document.getText());
    }
    this.entries.set(document.uri, { version: document.version, settingsKey, workspaceStamp, analysis });
    return analysis;
  }

  delete(uri: string): void {
    this.entries.delete(uri);
  }

  clear(): void {
    this.entries.clear();
  }
}
