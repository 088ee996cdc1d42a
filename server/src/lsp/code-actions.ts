import { CodeActionKind, type CodeAction, type CodeActionParams } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Analysis } from '../core/engine';
import type { Finding } from '../core/findings';

function sameRange(a: Finding['range'], b: Finding['range']): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
}

/** Quick fixes carried by findings, plus "disable this rule on this line" for every finding. */
export function codeActions(document: TextDocument, params: CodeActionParams, analysis: Analysis): CodeAction[] {
  const actions: CodeAction[] = [];
  const eol = document.getText().includes('\r\n') ? '\r\n' : '\n';
  for (const diagnostic of params.context.diagnostics) {
    if (diagnostic.source !== 'trustwright') continue;
    const finding = analysis.findings.find((f) => f.rule === diagnostic.code && sameRange(f.range, diagnostic.range));
    if (!finding) continue;

    for (const fix of finding.fixes ?? []) {
      actions.push({
        title: fix.title,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        isPreferred: true,
        edit: { changes: { [document.uri]: [...fix.edits] } },
      });
    }

    const line = finding.range.start.line;
    const lineText = document.getText({ start: { line, character: 0 }, end: { line, character: Number.MAX_SAFE_INTEGER } });
    const indent = /^\s*(- )?/.exec(lineText)?.[0].replace('- ', '  ') ?? '';
    actions.push({
      title: `Disable ${finding.rule} for this line`,
      kind: CodeActionKind.QuickFix,
      diagnostics: [diagnostic],
      edit: {
        changes: {
          [document.uri]: [{ range: { start: { line, character: 0 }, end: { line, character: 0 } }, newText: `${indent}# trustwright-disable-next-line ${finding.rule}${eol}` }],
        },
      },
    });
  }
  return actions;
}
