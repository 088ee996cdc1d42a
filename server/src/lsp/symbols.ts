import { SymbolKind, type DocumentSymbol } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Analysis } from '../core/engine';
import { locate } from '../core/model/value';

/** One symbol per Kubernetes object: `Certificate apps/web`. */
export function documentSymbols(document: TextDocument, analysis: Analysis): DocumentSymbol[] {
  return analysis.resources.flatMap((object): DocumentSymbol[] => {
    const range = object.node.range;
    if (!range) return [];
    const label = object.namespace ? `${object.namespace}/${object.name ?? '(no name)'}` : (object.name ?? '(no name)');
    const nameNode = locate(object.node, ['metadata', 'name']).value;
    const selection = nameNode?.range ?? range;
    const full = { start: document.positionAt(range[0]), end: document.positionAt(range[1]) };
    return [
      {
        name: `${object.kind} ${label}`,
        detail: object.apiVersion,
        kind: SymbolKind.Class,
        range: full,
        selectionRange: { start: document.positionAt(selection[0]), end: document.positionAt(Math.min(selection[1], range[1])) },
      },
    ];
  });
}
