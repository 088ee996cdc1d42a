// One analysis per document version: diagnostics, hover, completion, symbols and code actions all
// read the same cached result.
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { analyze, type Analysis } from '../core/engine';
import type { EngineSettings } from '../core/settings';

interface Entry {
  readonly version: number;
  readonly settingsKey: string;
  readonly analysis: Analysis;
}

export class AnalysisCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly onError: (uri: string, error: unknown) => void) {}

  get(document: TextDocument, settings: EngineSettings): Analysis {
    const settingsKey = JSON.stringify(settings);
    const cached = this.entries.get(document.uri);
    if (cached && cached.version === document.version && cached.settingsKey === settingsKey) return cached.analysis;

    let analysis: Analysis;
    try {
      analysis = analyze(document.getText(), settings);
    } catch (error) {
      // A failure on one document must not take the server down or block the others.
      this.onError(document.uri, error);
      analysis = analyze('', settings);
    }
    this.entries.set(document.uri, { version: document.version, settingsKey, analysis });
    return analysis;
  }

  delete(uri: string): void {
    this.entries.delete(uri);
  }

  clear(): void {
    this.entries.clear();
  }
}
