import { SymbolKind, type DocumentSymbol } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Analysis } from '../core/engine';

/** One symbol per Kubernetes object: `Certificate apps/web`. */
export function documentSymbols(document: TextDocument, analysis: Analysis): DocumentSymbol[] {
  return analysis.outline.map((entry): DocumentSymbol => {
    const label = entry.namespace ? `${entry.namespace}/${entry.name ?? '(no name)'}` : (entry.name ?? '(no name)');
    const [start, end] = entry.range;
    return {
      name: `${entry.kind} ${label}`,
      detail: entry.apiVersion,
      kind: SymbolKind.Class,
      range: { start: document.positionAt(start), end: document.positionAt(end) },
      selectionRange: { start: document.positionAt(entry.nameRange[0]), end: document.positionAt(entry.nameRange[1]) },
    };
  });
}
