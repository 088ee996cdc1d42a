import type { CodeLens } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Analysis } from '../core/engine';
import { summarizeCertificate } from '../core/pem/decode';
import { codeLensTitle } from '../core/pem/render';

/** One lens above each certificate: `CN=… · CA · expires 2031-05-01 · SHA-256 ab:cd:…`. */
export function codeLenses(document: TextDocument, analysis: Analysis, now = Date.now()): CodeLens[] {
  const lenses: CodeLens[] = [];
  for (const site of analysis.sites) {
    for (const entry of site.blocks) {
      if (!entry.block.decodes || entry.block.type !== 'CERTIFICATE') continue;
      const summary = summarizeCertificate(entry.block.bytes!);
      if (!summary.ok) continue;
      const at = document.positionAt(site.encoding === 'pem' ? entry.start : site.valueRange[0]);
      // An empty command id makes a lens that informs and does nothing when clicked.
      lenses.push({ range: { start: at, end: at }, command: { title: codeLensTitle(summary.value, now), command: '' } });
    }
  }
  return lenses;
}
